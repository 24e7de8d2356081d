import Foundation
import HummingbirdTesting
import KioskFormats
import Testing

@testable import KioskHQ

/// Enrolment and intake against a real PostgreSQL: what is stored, what is refused, and that a refusal stores nothing.
@Suite("HQ enrolment and intake", .serialized)
struct IntakeHTTPTests {
    static let day = "2026-12-02"
    static let inTime: @Sendable () -> Date = { shanghai("2026-12-05") }

    static func kioskWithDay() throws -> SyntheticKiosk {
        var k = SyntheticKiosk(eventDate: day)
        try k.log("event_loaded", ["name": "车主回娘家"])
        try k.inspect(at: shanghai(day, hour: 9), urgent: [3], advise: [5], declined: [3], repaired: [5: (680, 120)])
        try k.inspect(at: shanghai(day, hour: 11), consent: false, advise: [5, 7])
        try k.log("followup_call", ["inspection_id": 1, "outcome": "reached"])
        return k
    }

    @Test func enrolmentRefusesUnknownAndReusedCodes() async throws {
        try await HQTestApp.run { client, _ in
            let admin = try await client.admin()
            let d = try await client.call(.post, "/api/dealers", token: admin, body: client.json(["code": "XZ01", "name": "徐州店", "region": "华东"]))
            #expect(d.status == .created)
            let code = try #require(d.json["enroll_code"] as? String)
            let kiosk = SyntheticKiosk(eventDate: Self.day), other = SyntheticKiosk(eventDate: Self.day)
            let unknown = try await client.call(
                .post, "/api/enroll", body: client.json(["enroll_code": "AAAA-BBBB-CCCC", "public_key": kiosk.publicKey.base64EncodedString()]))
            #expect(unknown.status == .notFound)
            #expect(unknown.json["error"] as? String == "unknown_code")
            let ok = try await client.call(
                .post, "/api/enroll", body: client.json(["enroll_code": code, "public_key": kiosk.publicKey.base64EncodedString()]))
            #expect(ok.status == .created)
            #expect(ok.json["dealer_code"] as? String == "XZ01")
            #expect(ok.json["kiosk_id"] as? String == kiosk.kioskID)
            let reused = try await client.call(
                .post, "/api/enroll", body: client.json(["enroll_code": code, "public_key": other.publicKey.base64EncodedString()]))
            #expect(reused.status == .conflict)
            #expect(reused.json["error"] as? String == "code_used")
            let badKey = try await client.call(.post, "/api/enroll", body: client.json(["enroll_code": code, "public_key": "abc"]))
            #expect(badKey.status == .unprocessableContent)
            // Only the admin makes dealers.
            let noToken = try await client.call(.post, "/api/dealers", body: client.json(["code": "X", "name": "x", "region": "y"]))
            #expect(noToken.status == .unauthorized)
        }
    }

    @Test func aGoodPackIsStoredOnceAndAReplayIsHeld() async throws {
        try await HQTestApp.run(edit: { $0.now = Self.inTime }) { client, _ in
            let admin = try await client.admin()
            let kiosk = try Self.kioskWithDay()
            try await client.enrolDealer(admin, code: "XZ01", kiosk: kiosk)
            let zip = try kiosk.pack(checkpoints: [try kiosk.checkpoint(2)])
            let first = try await client.postPack(zip)
            #expect(first.status == .created, "\(first.text)")
            #expect(first.json["dealer_code"] as? String == "XZ01")
            #expect(first.json["inspections"] as? Int == 2)
            #expect(first.json["late"] as? Bool == false)
            let again = try await client.postPack(zip)
            #expect(again.status == .ok, "\(again.text)")
            #expect(again.json["pack_id"] as? String == first.json["pack_id"] as? String)
            let page = try await client.call(.get, "/api/dealers/XZ01", token: admin)
            #expect((page.json["packs"] as? [Any])?.count == 1)
            // The checkpoint the pack carried is held: the same one posted again is 200.
            let cp = try await client.postCheckpoint(try kiosk.checkpoint(2))
            #expect(cp.status == .ok, "\(cp.text)")
        }
    }

    @Test func eachTamperingIsRefusedByNameAndNothingIsStored() async throws {
        try await HQTestApp.run(edit: { $0.now = Self.inTime }) { client, _ in
            let admin = try await client.admin()
            let kiosk = try Self.kioskWithDay()
            try await client.enrolDealer(admin, code: "XZ01", kiosk: kiosk)

            var changed = try kiosk.packFiles()
            changed["inspections.csv"] = Data(
                String(decoding: changed["inspections.csv"]!, as: UTF8.self).replacingOccurrences(of: "朗逸", with: "帕萨特").utf8)
            let tampered = try await client.postPack(try SyntheticKiosk.zip(changed))
            #expect(tampered.status == .unprocessableContent)
            #expect(tampered.json["error"] as? String == "pack_rejected")
            let checks = (tampered.json["problems"] as? [[String: Any]] ?? []).compactMap { $0["check"] as? String }
            #expect(checks.contains("files"), "\(tampered.text)")

            // Signed by another key under the same name: the signature does not verify.
            var forged = try kiosk.packFiles()
            let impostor = SyntheticKiosk(eventDate: Self.day)
            let sha = sha256Hex(forged["manifest.json"]!)
            let text = PackStatement(origin: kiosk.signer.key.name, manifestSha256: sha, time: Stamp.text(Date())).text
            let sig = try SignedNote.sign(text, with: NoteSigner(name: kiosk.signer.key.name, privateKey: impostor.signer.privateKey))
            // The line carries the real key's ID, so the signature itself is what fails.
            let line = try #require(sig.split(separator: "\n").last)
            let blob = try #require(Data(base64Encoded: String(line.split(separator: " ")[2])))
            let relabelled = (kiosk.signer.key.keyID + blob.dropFirst(4)).base64EncodedString()
            forged["manifest.sig"] = Data((text + "\n— \(kiosk.signer.key.name) \(relabelled)\n").utf8)
            let badSig = try await client.postPack(try SyntheticKiosk.zip(forged))
            #expect(badSig.status == .unprocessableContent)
            #expect((badSig.json["problems"] as? [[String: Any]] ?? []).contains { $0["check"] as? String == "signature" }, "\(badSig.text)")

            // A rewritten log entry (hashes recomputed, so only the signed head can tell).
            var rewritten = kiosk
            rewritten.audit = []
            try rewritten.log("event_loaded", ["name": "改过的"])
            for _ in 1..<kiosk.audit.count { try rewritten.log("noise", [:]) }
            let rw = try rewritten.packFiles()
            var mixed = try kiosk.packFiles()
            mixed["audit.jsonl"] = rw["audit.jsonl"]
            let chain = try await client.postPack(try SyntheticKiosk.zip(mixed))
            #expect(chain.status == .unprocessableContent)

            // An unknown key.
            let stranger = try Self.kioskWithDay()
            let unknown = try await client.postPack(try stranger.pack())
            #expect(unknown.status == .unauthorized)
            #expect(unknown.json["error"] as? String == "unknown_key")

            let page = try await client.call(.get, "/api/dealers/XZ01", token: admin)
            #expect((page.json["packs"] as? [Any])?.count == 0, "a refused pack stored something: \(page.text)")
            let summary = try await client.call(.get, "/api/summary?week=2026-W49", token: admin)
            let dealers = summary.json["dealers"] as? [[String: Any]] ?? []
            #expect(dealers.first?["inspections"] as? Int == 0)
            let refusals = try await client.call(.get, "/api/refusals", token: admin)
            #expect((refusals.json["refusals"] as? [Any])?.count == 3, "\(refusals.text)")
        }
    }

    @Test func aForkIsRefusedAndKeptWithBothStatements() async throws {
        try await HQTestApp.run(edit: { $0.now = Self.inTime }) { client, _ in
            let admin = try await client.admin()
            var kiosk = try Self.kioskWithDay()
            try await client.enrolDealer(admin, code: "XZ01", kiosk: kiosk)
            let signed = try kiosk.checkpoint()
            let held = try await client.postCheckpoint(signed)
            #expect(held.status == .created, "\(held.text)")
            // The night before the deadline the dealer rebuilds a "clean" chain with the same key.
            let honest = kiosk.audit
            kiosk.audit = []
            try kiosk.log("event_loaded", ["name": "车主回娘家"])
            for i in kiosk.inspections {
                try kiosk.log("inspection_saved", ["inspection_id": i.id, "content_sha256": SyntheticKiosk.contentHash(i), "urgent": 0, "advise": 0])
            }
            try kiosk.log("followup_call", ["inspection_id": 1, "outcome": "reached", "rewritten": true])
            #expect(kiosk.audit.count == honest.count && kiosk.audit.last?.hash != honest.last?.hash)
            let fork = try await client.postPack(try kiosk.pack())
            #expect(fork.status == .conflict, "\(fork.text)")
            #expect(fork.json["error"] as? String == "fork")
            let forks = try await client.call(.get, "/api/forks", token: admin)
            let list = forks.json["forks"] as? [[String: Any]] ?? []
            #expect(list.count == 1)
            #expect(list.first?["held_statement"] as? String == signed)
            #expect((list.first?["new_statement"] as? String ?? "").contains("\npack\n"))
            // A second checkpoint that contradicts the first is a fork too.
            let contradicting = try kiosk.checkpoint()
            let cp = try await client.postCheckpoint(contradicting)
            #expect(cp.status == .conflict)
            let page = try await client.call(.get, "/api/dealers/XZ01", token: admin)
            #expect((page.json["packs"] as? [Any])?.count == 0)
            #expect((page.json["forks"] as? [Any])?.count == 2)
        }
    }

    @Test func checkpointsFromUnknownKeysAndWithBadSignaturesAreRefused() async throws {
        try await HQTestApp.run { client, _ in
            let admin = try await client.admin()
            let kiosk = try Self.kioskWithDay()
            try await client.enrolDealer(admin, code: "XZ01", kiosk: kiosk)
            let stranger = try Self.kioskWithDay()
            let unknown = try await client.postCheckpoint(try stranger.checkpoint())
            #expect(unknown.status == .unauthorized)
            #expect(unknown.json["error"] as? String == "unknown_key")
            let note = try kiosk.checkpoint()
            let bad = note.replacingOccurrences(of: "\ncheckpoint\n\(kiosk.audit.count)\n", with: "\ncheckpoint\n1\n")
            let r = try await client.postCheckpoint(bad)
            #expect(r.status == .unprocessableContent)
            #expect(r.json["error"] as? String == "bad_signature")
            let junk = try await client.postCheckpoint("hello")
            #expect(junk.status == .unprocessableContent)
            let good = try await client.postCheckpoint(note)
            #expect(good.status == .created)
        }
    }

    @Test func hostileZipsGetAClearRefusal() async throws {
        try await HQTestApp.run(edit: { $0.maxPackBytes = 4 << 20 }) { client, _ in
            let admin = try await client.admin()
            let kiosk = try Self.kioskWithDay()
            try await client.enrolDealer(admin, code: "XZ01", kiosk: kiosk)
            var files = try kiosk.packFiles()
            files["../x"] = Data("escape".utf8)
            let path = try await client.postPack(try SyntheticKiosk.zip(files))
            #expect(path.status == .unprocessableContent)
            #expect(path.json["error"] as? String == "bad_path", "\(path.text)")

            var bomb = try kiosk.packFiles()
            bomb["padding.bin"] = Data(count: 300 << 20)
            let bombZip = try SyntheticKiosk.zip(bomb)
            #expect(bombZip.count < 4 << 20)
            let b = try await client.postPack(bombZip)
            #expect(b.status == .unprocessableContent)
            #expect(b.json["error"] as? String == "too_large_unpacked", "\(b.text)")

            let whole = try kiosk.pack()
            let cut = try await client.postPack(whole.prefix(whole.count / 2))
            #expect(cut.status == .unprocessableContent)
            #expect(cut.json["error"] as? String == "not_a_zip")

            let huge = try await client.postPack(Data(count: 5 << 20))
            #expect(huge.status == .contentTooLarge, "\(huge.text)")
            let health = try await client.call(.get, "/healthz")
            #expect(health.status == .ok)
        }
    }
}
