import Crypto
import Foundation
import KioskFormats
import Testing

/// The signed notes the kiosk sends the manufacturer (issue 25), against C2SP's published example
/// (golang.org/x/mod/sumdb/note): an independent implementation's key, key ID and signature.
@Suite struct SignedNoteTests {
    static let vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    static let skey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    static let text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
    static let note = text + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"

    @Test func theC2SPExampleVerifiesWithItsKeyIDAndSignature() throws {
        let key = try #require(NoteKey(vkey: Self.vkey))
        #expect(key.name == "PeterNeumann" && key.keyID.hexString == "c74f20a3" && key.vkey == Self.vkey)
        #expect(try SignedNote.open(Self.note, keys: [key]) == Self.text)
        let signer = try #require(NoteSigner(skey: Self.skey))
        #expect(signer.key == key, "the private key's public half is the example's verifier key")
        #expect(throws: SignedNote.Failure.self) {
            try SignedNote.open(Self.note.replacingOccurrences(of: "cryptography", with: "cryptographY"), keys: [key])
        }
        #expect(NoteKey(vkey: Self.vkey.replacingOccurrences(of: "c74f20a3", with: "c74f20a4")) == nil, "a key ID that does not match")
    }

    @Test func aNoteSignedHereRoundTripsAndAnUnknownKeyIsNamed() throws {
        let signer = NoteSigner(name: "eventkiosk/0123456789abcdef", privateKey: Curve25519.Signing.PrivateKey())
        let note = try SignedNote.sign("eventkiosk/0123456789abcdef\ncheckpoint\n3\n\(String(repeating: "a", count: 64))\nT\n", with: signer)
        #expect(note.contains("\n\n— eventkiosk/0123456789abcdef "))
        #expect(try SignedNote.open(note, keys: [signer.key]).hasPrefix("eventkiosk/"))
        // The same name with another key has another key ID: an unknown key, as C2SP says; a changed text, a bad signature.
        let stranger = NoteSigner(name: "eventkiosk/0123456789abcdef", privateKey: Curve25519.Signing.PrivateKey())
        #expect(throws: SignedNote.Failure.unknownKey) { try SignedNote.open(note, keys: [stranger.key]) }
        let changed = note.replacingOccurrences(of: "checkpoint\n3\n", with: "checkpoint\n4\n")
        #expect(throws: SignedNote.Failure.badSignature("eventkiosk/0123456789abcdef")) { try SignedNote.open(changed, keys: [signer.key]) }
        let other = NoteSigner(name: "other", privateKey: Curve25519.Signing.PrivateKey())
        #expect(throws: SignedNote.Failure.unknownKey) { try SignedNote.open(note, keys: [other.key]) }
        #expect(throws: SignedNote.Failure.self) { try SignedNote.open("no signature\n", keys: [signer.key]) }
        #expect(throws: SignedNote.Failure.self) { try SignedNote.sign("no newline", with: signer) }
    }
}

/// The audit chain walked from a checkpoint; a tampered, a reordered and a truncated log each named.
@Suite struct AuditChainTests {
    static func chain(_ count: Int) -> [AuditRow] {
        var rows: [AuditRow] = []
        var prev = AuditChain.genesis
        for seq in 1...Int64(count) {
            let entry = #"{"data":{"n":\#(seq)},"kind":"test","seq":\#(seq)}"#
            let hash = sha256Hex(prev + entry)
            rows.append(AuditRow(seq: seq, entry: entry, prevHash: prev, hash: hash))
            prev = hash
        }
        return rows
    }

    @Test func aChainVerifiesFromACheckpointAndFromItsStart() {
        let rows = Self.chain(10)
        #expect(AuditChain.verify(rows).isEmpty)
        let checkpoint = AuditCheckpoint(origin: "eventkiosk/x", n: 6, hash: rows[5].hash, time: "2026-12-07T10:00:00Z")
        #expect(AuditChain.verify(Array(rows.dropFirst(6)), from: checkpoint).isEmpty)
        #expect(AuditChain.problem(rows, against: checkpoint) == nil)
        #expect(AuditCheckpoint(text: checkpoint.text) == checkpoint)
        #expect(AuditCheckpoint(text: "eventkiosk/x\ncheckpoint\nseven\n\(rows[5].hash)\nT\n") == nil)
    }

    /// A day brought back (issue 24): entries 1–4 are its own, 5–7 another day's, and it goes on at 8 from entry 7.
    @Test func aChainGoesOnAcrossAJumpOnlyWhereTheJumpSays() {
        let rows = Self.chain(10)
        let own = Array(rows.prefix(4)) + Array(rows.dropFirst(7))
        let jump = PackManifest.Jump(after: 4, n: 7, hash: rows[6].hash)
        #expect(AuditChain.verify(own, jumps: [jump]).isEmpty)
        #expect(!AuditChain.verify(own).isEmpty, "without the jump the gap is a missing stretch")
        #expect(!AuditChain.verify(own, jumps: [PackManifest.Jump(after: 4, n: 7, hash: rows[5].hash)]).isEmpty, "a jump to the wrong hash")
        #expect(!AuditChain.verify(own, jumps: [PackManifest.Jump(after: 3, n: 7, hash: rows[6].hash)]).isEmpty, "a jump from elsewhere")
    }

    @Test func aTamperedAReorderedAndATruncatedLogAreEachNamed() {
        let rows = Self.chain(10)
        let checkpoint = AuditCheckpoint(origin: "eventkiosk/x", n: 8, hash: rows[7].hash, time: "T")
        var tampered = rows
        tampered[3] = AuditRow(
            seq: 4, entry: rows[3].entry.replacingOccurrences(of: "\"n\":4", with: "\"n\":5"), prevHash: rows[3].prevHash, hash: rows[3].hash)
        #expect(AuditChain.verify(tampered).contains("entry 4: hash does not match its content (it was changed)"))
        var reordered = rows
        reordered.swapAt(4, 5)
        #expect(AuditChain.verify(reordered).contains { $0.contains("out of order") })
        let truncated = Array(rows.prefix(5))
        #expect(AuditChain.verify(truncated).isEmpty, "a shorter chain is intact on its own…")
        #expect(AuditChain.problem(truncated, against: checkpoint)?.contains("truncated") == true, "…but not against what was signed")
        // A chain rebuilt the night before: intact by itself, and caught by the checkpoint.
        var rebuilt = Self.chain(10)
        var prev = rebuilt[6].hash
        for i in 7..<10 {
            let entry = #"{"data":{"n":0},"kind":"test","seq":\#(i + 1)}"#
            rebuilt[i] = AuditRow(seq: Int64(i + 1), entry: entry, prevHash: prev, hash: sha256Hex(prev + entry)); prev = rebuilt[i].hash
        }
        #expect(AuditChain.verify(rebuilt).isEmpty)
        #expect(AuditChain.problem(rebuilt, against: checkpoint)?.contains("rewritten") == true)
    }
}
