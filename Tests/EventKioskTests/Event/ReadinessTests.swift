import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EventKiosk

@Suite struct ReadinessTests {
    func ok(_ items: [Readiness.Item]) -> [String: Bool] { Dictionary(uniqueKeysWithValues: items.map { ($0.id, $0.ok) }) }

    @Test func anEmptySetupFailsEveryItemAndSaysWhatToDo() {
        let items = Readiness.check(.init())
        #expect(items.map(\.id) == ["invitees", "qr_printed", "wheel_stock", "rules_reviewed", "backup"])
        #expect(items.allSatisfy { !$0.ok && !$0.zh.isEmpty && !$0.en.isEmpty })
    }

    @Test func eachItemTurnsGreenOnlyWhenItsConditionHolds() {
        let now = Date()
        var f = Readiness.Facts()
        f.invited = 40; f.printedAt = now; f.wheelStock = 30; f.expectedOrders = 30
        f.rulesReviewedAt = now; f.eventChangedAt = now.addingTimeInterval(-60); f.backupFolder = "/media/usb"
        #expect(Readiness.check(f).filter { !$0.ok }.isEmpty)
        var g = f; g.changedSincePrint = 2
        #expect(ok(Readiness.check(g))["qr_printed"] == false)
        g = f; g.expectedOrders = 31
        #expect(ok(Readiness.check(g))["wheel_stock"] == false)
        g = f; g.eventChangedAt = now.addingTimeInterval(60)  // the prizes changed after the rules page was read
        #expect(ok(Readiness.check(g))["rules_reviewed"] == false)
        g = f; g.backupError = "No space left on device"
        #expect(Readiness.check(g).first { $0.id == "backup" }?.en.contains("No space left") == true)
    }

    @Test func theAdminWorksThroughTheChecklistOverHTTP() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-usb-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        struct View: Decodable { let ready: Bool; let items: [Item]; struct Item: Decodable { let id: String; let ok: Bool } }
        try await t.test { client in
            let admin = try await client.login("1234")
            func view() async throws -> View {
                try await client.execute(uri: "/api/readiness", method: .get, headers: auth(admin)) { try decodeJSON(View.self, $0) }
            }
            var v = try await view()
            #expect(!v.ready)
            #expect(v.items.filter(\.ok).map(\.id) == ["invitees", "wheel_stock"])  // 40 demo invitees, 60 prizes for 30 expected orders
            for item in ["qr_printed", "rules_reviewed"] {
                try await client.execute(uri: "/api/readiness/\(item)", method: .post, headers: auth(admin)) { #expect($0.status == .ok) }
            }
            try await client.execute(uri: "/api/readiness/everything", method: .post, headers: auth(admin)) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/backup/target", method: .put, headers: auth(admin), body: jsonBody(["folder": "relative/path"])) {
                r in
                #expect(r.status == .unprocessableContent)
            }
            // A Windows path gets the folder it is under WSL; a stick that is not in gets said, not written to the disk (issue 24).
            try await client.execute(uri: "/api/backup/target", method: .put, headers: auth(admin), body: jsonBody(["folder": "E:\\活动备份"])) {
                r in
                #expect(r.status == .unprocessableContent && String(buffer: r.body).contains("/mnt/e/活动备份"), "\(String(buffer: r.body))")
            }
            let absent = "/media/kiosk-test-\(UUID().uuidString.prefix(8))/kiosk"
            try await client.execute(uri: "/api/backup/target", method: .put, headers: auth(admin), body: jsonBody(["folder": absent])) { r in
                #expect(r.status == .unprocessableContent && String(buffer: r.body).contains("not_mounted"), "\(String(buffer: r.body))")
            }
            let stick = URL(fileURLWithPath: absent).deletingLastPathComponent().path
            #expect(!FileManager.default.fileExists(atPath: stick), "nothing made on the disk")
            try await client.execute(uri: "/api/backup/target", method: .put, headers: auth(admin), body: jsonBody(["folder": folder.path])) { r in
                #expect(r.status == .ok)
            }
            try await client.execute(uri: "/api/backup", method: .post, headers: auth(admin)) { #expect($0.status == .ok) }
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).contains { $0.hasSuffix(".sqlite") })
            v = try await view()
            #expect(v.ready, "\(v.items)")
            // A new invitee after printing needs a card: the item turns red again.
            try await client.execute(
                uri: "/api/invitees/import", method: .post, headers: [.authorization: "Bearer \(admin)", .contentType: "text/csv"],
                body: ByteBuffer(string: "姓名,手机\n新来宾,13700001234\n")
            ) { #expect($0.status == .ok) }
            v = try await view()
            #expect(v.items.first { $0.id == "qr_printed" }?.ok == false)
        }
    }
}
