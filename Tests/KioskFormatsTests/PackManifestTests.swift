import Crypto
import Foundation
import Testing

@testable import KioskFormats

@Suite struct PackManifestTests {
    static let key = Curve25519.Signing.PrivateKey()
    static func manifest(createdAt: String = "2026-12-07T10:00:00Z", files: [String: Data]) -> PackManifest {
        PackManifest(
            kioskId: KioskKey.kioskID(publicKey: key.publicKey.rawRepresentation), publicKey: key.publicKey.rawRepresentation,
            dealerCode: nil, event: .init(name: "车主回娘家", date: "2026-12-07", venue: "微山湖", dealer: "徐州"), createdAt: createdAt,
            closed: true, audit: .init(count: 2, head: String(repeating: "a", count: 64)), files: files, checkpoints: [])
    }

    @Test func theManifestIsCanonicalAndChangesOnlyWithWhatItDescribes() throws {
        let files = ["audit.jsonl": Data("x\n".utf8), "inspections.csv": Data("a,b\r\n".utf8)]
        let a = try Self.manifest(files: files).canonical(), b = try Self.manifest(files: files).canonical()
        #expect(a == b)
        let text = String(decoding: a, as: UTF8.self)
        #expect(text.hasPrefix(#"{"audit":{"count":2,"#) && text.contains(#""dealer_code":null,"event""#) && !text.contains(" "))
        #expect(text.contains(#""audit.jsonl":"\#(sha256Hex(Data("x\n".utf8)))""#))
        let later = String(decoding: try Self.manifest(createdAt: "2026-12-07T11:00:00Z", files: files).canonical(), as: UTF8.self)
        #expect(later.replacingOccurrences(of: "11:00:00", with: "10:00:00") == text)
        let decoded = try JSONDecoder().decode(PackManifest.self, from: a)
        #expect(decoded == Self.manifest(files: files) && decoded.format == "eventkiosk-pack/2")
    }

    @Test func eachMissingExtraOrChangedFileIsNamed() {
        let m = Self.manifest(files: ["a.csv": Data("1".utf8), "b.csv": Data("2".utf8)])
        #expect(m.fileProblems(["a.csv": Data("1".utf8), "b.csv": Data("2".utf8), "manifest.json": Data()]).isEmpty)
        let problems = m.fileProblems(["a.csv": Data("changed".utf8), "c.csv": Data()])
        #expect(
            problems == [
                "a.csv: its SHA-256 is not the manifest's", "b.csv: listed in the manifest but not in the pack",
                "c.csv: in the pack but not in the manifest",
            ])
    }

    @Test func aPackStatementIsSignedAndReadBack() throws {
        let signer = NoteSigner(name: KioskKey.name(publicKey: Self.key.publicKey.rawRepresentation), privateKey: Self.key)
        let statement = PackStatement(origin: signer.key.name, manifestSha256: sha256Hex(Data("{}".utf8)), time: "2026-12-07T10:00:00Z")
        let note = try SignedNote.sign(statement.text, with: signer)
        let opened = try SignedNote.open(note, keys: [signer.key])
        #expect(PackStatement(text: opened) == statement)
        #expect(PackStatement(text: AuditCheckpoint(origin: signer.key.name, n: 1, hash: statement.manifestSha256, time: "t").text) == nil)
        let other = NoteSigner(name: signer.key.name, privateKey: Curve25519.Signing.PrivateKey())
        #expect(throws: (any Error).self) { try SignedNote.open(note, keys: [other.key]) }
    }
}
