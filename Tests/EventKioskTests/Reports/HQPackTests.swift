import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EventKiosk

/// The pack for the manufacturer (issue 25): one consistent read, versioned rows, a signed manifest.
@Suite struct HQPackTests {
    func unzip(_ data: Data) throws -> [String: Data] { try EvidencePackTests().unzip(data) }

    /// Checks a pack as the manufacturer would: the note by the kiosk's key over the manifest, every file's hash, the
    /// chain re-hashed to the manifest's head, every checkpoint on that chain. Returns the files and the manifest.
    func verified(_ zip: Data, key: NoteKey) throws -> ([String: Data], PackManifest) {
        let files = try unzip(zip)
        let manifestData = try #require(files["manifest.json"])
        let sig = try #require(files["manifest.sig"])
        let statement = try #require(PackStatement(text: try SignedNote.open(String(decoding: sig, as: UTF8.self), keys: [key])))
        #expect(statement.manifestSha256 == sha256Hex(manifestData))
        let manifest = try JSONDecoder().decode(PackManifest.self, from: manifestData)
        #expect(manifest.fileProblems(files).isEmpty, "\(manifest.fileProblems(files))")
        let rows = try String(decoding: try #require(files["audit.jsonl"]), as: UTF8.self).split(separator: "\n")
            .map { try JSON.decoder.decode(AuditRow.self, from: Data($0.utf8)) }
        #expect(AuditChain.verify(rows).isEmpty)
        #expect(Int64(rows.count) == manifest.audit.count && (rows.last?.hash ?? AuditChain.genesis) == manifest.audit.head)
        for note in manifest.checkpoints {
            let checkpoint = try #require(AuditCheckpoint(text: try SignedNote.open(note, keys: [key])))
            #expect(AuditChain.problem(rows, against: checkpoint) == nil)
        }
        return (files, manifest)
    }

    func csv(_ data: Data?) -> [[String]] {
        String(decoding: data ?? Data(), as: UTF8.self).trimmingCharacters(in: .init(charactersIn: "\u{FEFF}"))
            .split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func aPackExportedWhileEightDoorsScanHoldsExactlyTheRowsOfItsLog() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        let guests = try await t.db.allInvitees()
        _ = try await t.db.checkpoint()
        try await t.test { client in
            let admin = try await client.login("1234")
            try await withThrowingTaskGroup(of: [Data].self) { group in
                for door in 0..<8 {
                    group.addTask {
                        for (n, g) in guests.enumerated() where n % 8 == door {
                            _ = try await t.db.checkIn(scanned: g.code, door: "门\(door)", nonce: "hq-door-\(g.id)", partySize: nil, staffID: nil)
                        }
                        return []
                    }
                }
                group.addTask {
                    var packs: [Data] = []
                    for _ in 0..<4 {
                        packs.append(try await client.execute(uri: "/api/export/hq-pack", method: .get, headers: auth(admin)) { r in
                            #expect(r.status == .ok && r.headers[.contentType] == "application/zip")
                            return Data(buffer: r.body)
                        })
                    }
                    return packs
                }
                for try await packs in group {
                    for pack in packs {
                        let (files, _) = try verified(pack, key: t.db.identity.noteKey)
                        // Each check-in row has its entry in the pack's log, and each entry its row.
                        let lines = String(decoding: files["audit.jsonl"]!, as: UTF8.self).split(separator: "\n")
                        let logged = try lines.compactMap { line -> Int? in
                            let row = try JSON.decoder.decode(AuditRow.self, from: Data(line.utf8))
                            guard row.entry.contains(#""kind":"checkin""#) else { return nil }
                            let data = try JSON.decoder.decode(JSONValue.self, from: Data(row.entry.utf8)).object?["data"]?.object
                            if case .int(let id)? = data?["checkin_id"] { return id }
                            return nil
                        }
                        let rows = csv(files["checkins.csv"]).dropFirst().map { Int($0[1])! }
                        #expect(rows == logged, "\(rows.count) rows, \(logged.count) entries")
                    }
                }
            }
            // Nothing changed between two exports: the same manifest but its created_at.
            let a = try await client.execute(uri: "/api/export/hq-pack", method: .get, headers: auth(admin)) { Data(buffer: $0.body) }
            let b = try await client.execute(uri: "/api/export/hq-pack", method: .get, headers: auth(admin)) { Data(buffer: $0.body) }
            let finalRows = csv(try unzip(a)["checkins.csv"]).count
            #expect(guests.count >= 8 && finalRows == guests.count + 1, "every door's guests are in")
            var (ma, mb) = (try verified(a, key: t.db.identity.noteKey).1, try verified(b, key: t.db.identity.noteKey).1)
            ma.createdAt = ""; mb.createdAt = ""
            #expect(ma == mb && ma.checkpoints.count == 1 && ma.format == "eventkiosk-pack/2")
            let greeter = try await client.staffToken(admin: admin, role: .greeter, pin: "666666")
            try await client.execute(uri: "/api/export/hq-pack", method: .get, headers: auth(greeter)) { r in #expect(r.status == .forbidden) }
        }
    }

    @Test func aCustomersNameAndPhoneLeaveOnlyWithTheirConsent() async throws {
        let t = try await TestApp()
        for (n, consent) in [false, true].enumerated() {
            var body = WorkshopPaperworkTests.decidedBody(consent: consent)
            if case .object(var o) = body { o["client_id"] = .string("hq-consent-\(n)-0000"); body = .object(o) }
            guard case .success(let checked) = InspectionFixture.check(body) else { Issue.record("refused"); return }
            _ = try await t.db.saveInspection(checked, staffID: nil)
        }
        let (files, _) = try verified(try await HQPack.build(db: t.db), key: t.db.identity.noteKey)
        let rows = csv(files["inspections.csv"])
        #expect(rows[0].prefix(3) == ["row_version", "inspection_id", "client_id"])
        #expect(rows[1][9] == "张*" && rows[1][10] == "138****8000" && rows[1][11] == "0")
        #expect(rows[2][9] == "张三" && rows[2][10] == "13800138000" && rows[2][11] == "1")
        let items = csv(files["inspection_items.csv"]).filter { $0.count > 3 && $0[3] == "brake_pads" }
        #expect(items.first?.suffix(3) == ["done", "680", "120"])
        #expect(!String(decoding: files["audit.jsonl"]!, as: UTF8.self).contains("13800138000"))
    }
}
