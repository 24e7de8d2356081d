import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EventKiosk

/// 新活动 (issue 24): the demo day set aside whole and listed, a fresh event with no guests, one audit chain across the
/// laptop's days that the manufacturer can check, and the day brought back.
@Suite struct NewEventTests {
    struct Started: Decodable { let setAside: SetAsideDay; let imported: Int }
    struct Archive: Decodable { let items: [SetAsideDay] }
    struct Page: Decodable { let items: [Item]; struct Item: Decodable { let name: String } }

    let form: [String: JSONValue] = [
        "name": .string("宝马X3品鉴会"), "date": .string("2026-12-20"), "venue": .string("本店二楼展厅"),
        "doors": .array([.string("正门"), .string("侧门")]),
    ]

    func guests(_ client: some TestClientProtocol, _ admin: String) async throws -> [String] {
        try await client.execute(uri: "/api/invitees?limit=500", method: .get, headers: auth(admin)) { r in
            #expect(r.status == .ok, "\(String(buffer: r.body))")
            return try decodeJSON(Page.self, r).items.map(\.name)
        }
    }

    @Test func theDemoIsSetAsideWholeAndTheNewEventStartsEmptyOnTheSameChain() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        let demoGuests = try await t.db.allInvitees()
        _ = try await t.db.checkIn(scanned: demoGuests[0].code, door: "正门", nonce: "n1", partySize: nil, staffID: nil)
        let before = try await t.db.auditHead()
        try await t.test { client in
            let admin = try await client.login(TestApp.adminPIN)
            #expect(try await guests(client, admin).count == demoGuests.count)
            let started = try await client.execute(uri: "/api/events/new", method: .post, headers: auth(admin), body: jsonBody(form)) { r in
                #expect(r.status == .created, "\(String(buffer: r.body))")
                return try decodeJSON(Started.self, r)
            }
            #expect(started.setAside.guests == demoGuests.count)
            // The admin stays signed in; the new day has no guests, check-ins or tally, and is open.
            #expect(try await guests(client, admin).isEmpty)
            let event = try #require(try await t.db.event())
            #expect(event.name == "宝马X3品鉴会" && event.doors == ["正门", "侧门"] && event.buses == nil && event.campaign == nil)
            #expect(!event.tiers.isEmpty && !event.wheel.prizes.isEmpty, "the seed plan's tiers and a starter prize list")
            #expect(try await t.db.reader.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM checkin") } == 0)
            let archive = try await client.execute(uri: "/api/events/archive", method: .get, headers: auth(admin)) { r in
                try decodeJSON(Archive.self, r)
            }
            #expect(archive.items.map(\.id) == [started.setAside.id] && archive.items[0].guests == demoGuests.count)
            #expect(archive.items[0].name == "微山湖车主体验日" || !archive.items[0].name.isEmpty)
            // One chain: the new day's first entry follows the demo's last, and verifies from it.
            let rows = try await t.db.auditRows()
            let base = try #require(try await t.db.auditBase())
            #expect(base.n == before.seq && base.hash == before.hash)
            #expect(rows.first?.seq == before.seq + 1 && rows.first?.prevHash == before.hash)
            #expect(AuditLog.verify(rows, from: base).isEmpty)
            #expect(!AuditLog.verify(rows).isEmpty, "from 64 zeros the new day's log does not verify: it carries on the old one")
            // The manufacturer checks the new day's pack from the signed checkpoint it starts after.
            let zip = try await HQPack.build(db: t.db)
            let pack = try PackContents.open(try EvidencePackTests().unzip(zip), key: t.db.identity.noteKey)
            #expect(pack.manifest.audit.from == base && pack.manifest.audit.count == rows.last?.seq)
            // A scan of a demo card finds nobody now.
            let code = demoGuests[1].code
            let outcome = try await t.db.checkIn(scanned: code, door: "正门", nonce: "n2", partySize: nil, staffID: nil)
            guard case .unknown = outcome else { Issue.record("a demo card was let in to the new event: \(outcome)"); return }
        }
    }

    @Test func aSetAsideDayComesBackAndTheDayInForceIsSetAsideInstead() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        let demoCount = try await t.db.allInvitees().count
        try await t.test { client in
            let admin = try await client.login(TestApp.adminPIN)
            let started = try await client.execute(uri: "/api/events/new", method: .post, headers: auth(admin), body: jsonBody(form)) { r in
                try decodeJSON(Started.self, r)
            }
            _ = try await t.db.importInvitees(try InviteeImport(bytes: Array("姓名,手机\n王芳,13912345678\n".utf8)))
            let later = try await t.db.auditHead()
            try await client.execute(uri: "/api/events/archive/\(started.setAside.id)/restore", method: .post, headers: auth(admin)) { r in
                #expect(r.status == .ok, "\(String(buffer: r.body))")
            }
            #expect(try await t.db.allInvitees().count == demoCount)
            // The day brought back goes on from the later day's head, never from its own: the laptop's chain does not fork.
            let back = try await t.db.auditHead()
            #expect(back == later)
            let code = try await t.db.allInvitees()[0].code
            _ = try await t.db.checkIn(scanned: code, door: "正门", nonce: "back-1", partySize: nil, staffID: nil)
            let rows = try await t.db.auditRows()
            let jumps = try await t.db.auditJumps()
            #expect(jumps.count == 1 && jumps[0].n == back.seq && rows.last?.seq == back.seq + 1 && rows.last?.prevHash == back.hash)
            #expect(AuditLog.verify(rows, from: try await t.db.auditBase(), jumps: jumps).isEmpty)
            let pack = try PackContents.open(try EvidencePackTests().unzip(try await HQPack.build(db: t.db)), key: t.db.identity.noteKey)
            #expect(pack.manifest.audit.jumps == jumps && pack.manifest.audit.count == back.seq + 1)
            #expect(try await t.db.event()?.name != "宝马X3品鉴会")
            // Staff and their sign-ins outlive a day: the admin is still signed in on the day brought back.
            let admin2 = admin
            let archive = try await client.execute(uri: "/api/events/archive", method: .get, headers: auth(admin2)) { r in
                try decodeJSON(Archive.self, r)
            }
            // The restored copy is no longer listed; the new event, with its one guest, is.
            #expect(archive.items.count == 1 && archive.items[0].name == "宝马X3品鉴会" && archive.items[0].guests == 1)
            try await client.execute(uri: "/api/events/archive/kiosk-nothing/restore", method: .post, headers: auth(admin2)) { r in
                #expect(r.status == .notFound)
            }
            try await client.execute(uri: "/api/events/archive/..%2Fx/restore", method: .post, headers: auth(admin2)) { r in
                #expect(r.status == .notFound)
            }
        }
    }

    /// On the laptop's own file (WAL, a pool of readers): the copy goes back into the live database, which stays in WAL
    /// and durable, and every reader sees the day brought back.
    @Test func onTheLaptopsFileTheDayComesBackIntoTheLiveDatabase() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-newevent-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = try AppDatabase.open(directory: dir)
        let t = try await TestApp(db: db, loadDemoInvitees: true)
        let demoCount = try await db.allInvitees().count
        let folder = dir.appendingPathComponent("set-aside")
        var event = try #require(try await db.event())
        event.name = "宝马X3品鉴会"
        let aside = try await db.startNewEvent(event, setAsideInto: folder)
        #expect(try await db.allInvitees().isEmpty && aside.guests == demoCount)
        let head = try await db.auditHead()
        _ = try await db.restoreSetAside(id: aside.id, folder: folder)
        #expect(try await db.allInvitees().count == demoCount)
        #expect(try db.journalMode() == "wal" && db.synchronousLevel() == 2)
        #expect(try await db.event()?.name != "宝马X3品鉴会")
        // The new event's short day is the one set aside now, with its own log head.
        let mode = try FileManager.default.attributesOfItem(atPath: folder.path)[.posixPermissions] as? Int
        #expect(mode == 0o700, "the set-aside folder is the owner's only")
        let listed = AppDatabase.setAsideDays(in: folder)
        #expect(listed.count == 1 && listed[0].name == "宝马X3品鉴会")
        #expect(head.seq > 0)
        try await t.test { client in
            let admin = try await client.login(TestApp.adminPIN)
            #expect(try await guests(client, admin).count == demoCount)
        }
        #expect(AuditLog.verify(try await db.auditRows(), from: try await db.auditBase(), jumps: try await db.auditJumps()).isEmpty)
    }

    /// A backup from the backup folder comes back from the page while the server runs (issue 24: `kiosk restore` only).
    @Test func aBackupComesBackFromThePageWithTheDayInForceSetAside() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-backups-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        struct Backups: Decodable { let folder: String?; let items: [SetAsideDay] }
        try await t.test { client in
            let admin = try await client.login(TestApp.adminPIN)
            try await client.execute(uri: "/api/backup/target", method: .put, headers: auth(admin), body: jsonBody(["folder": folder.path])) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/backup", method: .post, headers: auth(admin)) { #expect($0.status == .ok) }
            _ = try await t.db.importInvitees(try InviteeImport(bytes: Array("姓名,手机\n王芳,13912345678\n".utf8)))
            let backups = try await client.execute(uri: "/api/backup/files", method: .get, headers: auth(admin)) { try decodeJSON(Backups.self, $0) }
            #expect(backups.items.count == 1 && backups.items[0].guests == 40)
            try await client.execute(uri: "/api/backup/files/\(backups.items[0].id)/restore", method: .post, headers: auth(admin)) { r in
                #expect(r.status == .ok, "\(String(buffer: r.body))")
            }
            #expect(try await t.db.allInvitees().count == 40, "the day as the backup holds it")
            let archive = try await client.execute(uri: "/api/events/archive", method: .get, headers: auth(admin)) {
                try decodeJSON(Archive.self, $0)
            }
            #expect(archive.items.map(\.guests) == [41], "the day in force, with the guest added after the backup, set aside")
            #expect(AuditLog.verify(try await t.db.auditRows(), from: try await t.db.auditBase(), jumps: try await t.db.auditJumps()).isEmpty)
            try await client.execute(uri: "/api/backup/files/kiosk-..%2F..%2Fx/restore", method: .post, headers: auth(admin)) {
                #expect($0.status == .notFound)
            }
        }
    }

    @Test func aClosedDayLeadsToTheNextAndTheFormNamesWhatIsMissing() async throws {
        let t = try await TestApp()
        try await t.test { client in
            let admin = try await client.login(TestApp.adminPIN)
            try await client.execute(uri: "/api/event/close", method: .post, headers: auth(admin)) { r in #expect(r.status == .ok) }
            // The closed day: the rules page shows the seed, and the checklist says the day is over instead of "ready".
            let seed = try #require(try await t.db.wheel().seed)
            try await client.execute(uri: "/rules", method: .get) { r in #expect(String(buffer: r.body).contains(seed)) }
            try await client.execute(uri: "/api/readiness", method: .get, headers: auth(admin)) { r in
                #expect(String(buffer: r.body).contains("\"closed_at\""))
            }
            try await client.execute(uri: "/api/readiness/rules_reviewed", method: .post, headers: auth(admin)) { r in
                #expect(r.status == .conflict, "the closed day refuses changes")
            }
            var bad = form
            bad["name"] = .string(" ")
            bad["date"] = .string("12/20")
            try await client.execute(uri: "/api/events/new", method: .post, headers: auth(admin), body: jsonBody(bad)) { r in
                #expect(r.status == .unprocessableContent)
                let text = String(buffer: r.body)
                #expect(text.contains("\"name\"") && text.contains("\"date\""), "\(text)")
            }
            #expect(try await t.db.isClosed(), "a refused form changes nothing")
            try await client.execute(uri: "/api/events/new", method: .post, headers: auth(admin), body: jsonBody(form)) { r in
                #expect(r.status == .created, "\(String(buffer: r.body))")
            }
            // The next day is open, in the database and in the flag the router keeps.
            #expect(try await !t.db.isClosed())
            try await client.execute(uri: "/api/readiness/rules_reviewed", method: .post, headers: auth(admin)) { r in
                #expect(r.status == .ok, "\(String(buffer: r.body))")
            }
            let demo = try await client.execute(uri: "/api/events/new", method: .post, headers: auth(admin), body: jsonBody(["demo": true])) { r in
                #expect(r.status == .created)
                return try decodeJSON(Started.self, r)
            }
            #expect(demo.imported == 40, "the demo for training comes with its own guests")
            let sales = try await client.staffToken(admin: admin, role: .sales, pin: "86420135")
            try await client.execute(uri: "/api/events/new", method: .post, headers: auth(sales), body: jsonBody(form)) { r in
                #expect(r.status == .forbidden)
            }
        }
    }
}
