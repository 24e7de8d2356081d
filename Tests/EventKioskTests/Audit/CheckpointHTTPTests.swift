import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EventKiosk

/// Issue 25, the kiosk's identity and its signed checkpoints, as the manufacturer's service will read them.
@Suite struct CheckpointHTTPTests {
    @Test func theKioskSignsCheckpointsOfItsLogWithAKeyKeptBesideTheSeedKey() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-id-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let t = try await TestApp(db: try AppDatabase.open(directory: dir), loadDemoInvitees: true)
        let keyFile = dir.appendingPathComponent("secrets/kiosk.key").path
        #expect((try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as! NSNumber).intValue == 0o600)
        #expect(try AppDatabase.open(directory: dir).identity.kioskID == t.db.identity.kioskID, "the same key at the next start")
        try await t.test { client in
            let identity = try await client.execute(uri: "/api/kiosk/identity", method: .get) { r in
                try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as! [String: Any]
            }
            let kioskID = try #require(identity["kiosk_id"] as? String)
            let key = try #require(NoteKey(vkey: identity["vkey"] as! String))
            #expect(kioskID.count == 16 && key.name == "eventkiosk/\(kioskID)" && identity.keys.contains("dealer_code"))
            #expect(Data(base64Encoded: identity["public_key"] as! String) == key.publicKey)
            #expect(kioskID == String(sha256Hex(key.publicKey).prefix(16)))

            func checkpoint() async throws -> AuditCheckpoint {
                let note = try await client.execute(uri: "/api/audit/checkpoint", method: .get) { r in
                    #expect(r.headers[.contentType]?.hasPrefix("text/plain") == true)
                    return String(buffer: r.body)
                }
                return try #require(AuditCheckpoint(text: try SignedNote.open(note, keys: [key])))
            }
            let first = try await checkpoint()
            let head = try await t.db.auditHead()
            #expect(first.n == head.seq && first.hash == head.hash && first.origin == key.name)
            #expect(try await checkpoint() == first, "asked again for the same head: the same checkpoint, not a new row")
            let admin = try await client.login("1234")
            try await client.execute(uri: "/api/event/close", method: .post, headers: auth(admin)) { #expect($0.status == .ok) }
            let kept = try await t.db.checkpoints()
            #expect(kept.count == 2, "the close signs its own")
            let closing = try #require(AuditCheckpoint(text: try SignedNote.open(kept[1], keys: [key])))
            #expect(closing.n == (try await t.db.auditHead()).seq && closing.n > first.n)
            // verify-audit --checkpoint: the log holds what was signed; a log cut before it does not.
            let rows = try await t.db.auditRows()
            let file = dir.appendingPathComponent("cp.txt")
            try kept[1].write(to: file, atomically: true, encoding: .utf8)
            #expect(CheckpointCheck.problems(noteFile: file.path, rows: rows, key: key).isEmpty)
            #expect(CheckpointCheck.problems(noteFile: file.path, rows: Array(rows.dropLast(2)), key: key).first?.contains("truncated") == true)
            let stranger = KioskIdentity.ephemeral().noteKey
            #expect(CheckpointCheck.problems(noteFile: file.path, rows: rows, key: stranger).first?.contains("known key") == true)
        }
    }
}
