import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EventKiosk

/// A full disk or a data folder that turned read-only: a clear error, reads go on, nothing saved is lost.
/// SQLite reports a full disk as SQLITE_FULL whether the file system ran out or the file reached
/// `max_page_count`; the second is used here so the test runs anywhere (the real one is in test_faults.py).
@Suite struct DiskTroubleTests {
    func walkIn(_ client: some TestClientProtocol, _ token: String, _ i: Int) async throws -> TestResponse {
        try await client.execute(
            uri: "/api/walkins", method: .post, headers: auth(token),
            body: jsonBody([
                "name": "来宾\(i)", "phone": String(format: "139%08d", i), "door": "正门", "nonce": UUID().uuidString,
                "plate": "苏A\(String(format: "%05d", i))", "model": String(repeating: "长", count: 40),
            ])
        ) { $0 }
    }

    @Test func aFullDiskRefusesWritesClearlyKeepsServingReadsAndLosesNothing() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let t = try await TestApp(db: try AppDatabase.open(directory: dir))
        let pages = try await t.db.dbWriter.read { db in try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0 }
        try await t.db.dbWriter.writeWithoutTransaction { db in _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(pages + 4)") }
        try await t.test { client in
            let admin = try await client.login("1234")
            var acknowledged = 0
            var refused: TestResponse?
            for i in 1...2000 {
                let r = try await walkIn(client, admin, i)
                if r.status == .created { acknowledged += 1; continue }
                refused = r
                break
            }
            let full = try #require(refused, "the disk never filled up")
            #expect(full.status.code == 507)
            #expect(errorCode(full) == "disk_full")
            #expect(errorMessage(full).contains("磁盘已满") && errorMessage(full).contains("disk is full"))
            // Reads still work while the disk is full.
            let counted = acknowledged
            let walkins = try await client.execute(uri: "/api/checkins/status", method: .get) { r throws -> Int in
                #expect(r.status == .ok)
                return try decodeJSON(ArrivalStatus.self, r).walkins
            }
            #expect(walkins == counted)
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }

            // Space is freed: writes work again, and every acknowledged walk-in is there exactly once.
            try await t.db.dbWriter.writeWithoutTransaction { db in _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = 1000000") }
            #expect(try await walkIn(client, admin, 5000).status == .created)
            let (stored, integrity) = try await t.db.read { db in
                (
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM checkin WHERE walk_in = 1") ?? 0,
                    try String.fetchOne(db, sql: "PRAGMA integrity_check")
                )
            }
            #expect(stored == acknowledged + 1)
            #expect(integrity == "ok")
            #expect(AuditLog.verify(try await t.db.auditRows()).isEmpty)
        }
    }

    @Test func aDataFolderThatCannotBeWrittenIsStillServedReadOnlyAndSignInWorks() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            let t = try await TestApp(db: try AppDatabase.open(directory: dir), loadDemoInvitees: true)
            try await t.db.dbWriter.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        }
        // What `kiosk serve` falls back to when the folder cannot be written.
        let t = try await TestApp(db: try AppDatabase.openImmutable(directory: dir))
        try await t.test { client in
            let admin = try await client.login("1234")  // kept in memory: the session table cannot be written
            try await client.execute(uri: "/api/invitees?limit=100", method: .get, headers: auth(admin)) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains("\"total\":40"))
            }
            try await client.execute(uri: "/report", method: .get, headers: auth(admin)) { #expect($0.status == .ok) }
            let r = try await walkIn(client, admin, 1)
            #expect(r.status == .serviceUnavailable && errorCode(r) == "storage_read_only")
            try await client.execute(uri: "/api/me", method: .get, headers: auth((admin.first == "0" ? "1" : "0") + admin.dropFirst())) {
                #expect($0.status == .unauthorized)
            }
        }
    }

    /// GRDB itself toggles `query_only`, so a read-only folder cannot be faked on a connection here; the mapping is
    /// checked directly, and test_faults.py remounts a real folder read-only under a running server.
    @Test(arguments: [
        (ResultCode.SQLITE_READONLY, 503, "storage_read_only"), (.SQLITE_IOERR, 503, "storage_read_only"),
        (.SQLITE_CANTOPEN, 503, "storage_read_only"), (.SQLITE_FULL, 507, "disk_full"),
    ])
    func aStorageFailureBecomesAClearErrorNotA500(code: ResultCode, status: Int, error: String) async throws {
        let router = Router()
        router.addMiddleware { ErrorMiddleware<BasicRequestContext>() }
        router.post("/write") { _, _ -> String in throw DatabaseError(resultCode: code, message: "simulated") }
        router.post("/other") { _, _ -> String in throw DatabaseError(resultCode: .SQLITE_CONSTRAINT, message: "simulated") }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/write", method: .post) { r in
                #expect(r.status.code == status)
                #expect(errorCode(r) == error)
                #expect(errorMessage(r).contains("已保存的数据完好") && errorMessage(r).contains("intact"))
            }
            try await client.execute(uri: "/other", method: .post) { #expect($0.status == .internalServerError) }
        }
    }
}
