import Foundation
import Hummingbird
import HummingbirdTesting
import KioskFormats
import Logging
import PostgresNIO
import Testing

@testable import KioskHQ

/// The real PostgreSQL that `make test` starts for these tests (scripts/pg.sh around): its socket folder is in
/// KIOSK_HQ_TEST_PG. Every test gets a database of its own, made here and dropped afterwards.
enum TestPostgres {
    struct Missing: Error, CustomStringConvertible {
        var description: String { "KIOSK_HQ_TEST_PG is not set: run these tests with `make test` (it starts a throwaway PostgreSQL)" }
    }

    static var socketDir: String? { ProcessInfo.processInfo.environment["KIOSK_HQ_TEST_PG"] }
    static var port: String { ProcessInfo.processInfo.environment["KIOSK_HQ_TEST_PG_PORT"] ?? "55432" }

    static func configuration(database: String) throws -> PostgresClient.Configuration {
        guard let dir = socketDir else { throw Missing() }
        return try PostgresURL.configuration("postgres:///\(database)?host=\(dir)&port=\(port)")
    }

    static var logger: Logger {
        var l = Logger(label: "hq-test")
        l.logLevel = .error
        return l
    }

    /// `body` with a running client on `database`.
    static func withClient<T: Sendable>(_ database: String, _ body: (PostgresClient) async throws -> T) async throws -> T {
        let client = PostgresClient(configuration: try configuration(database: database), backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            do {
                let value = try await body(client)
                group.cancelAll()
                return value
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }

    /// A fresh, empty database for one test; dropped when `body` ends.
    static func withDatabase<T: Sendable>(_ body: (String) async throws -> T) async throws -> T {
        let name = "t_" + randomBytes(6).hexString
        try await withClient("postgres") { c in
            _ = try await c.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        do {
            let value = try await body(name)
            try? await dropDatabase(name)
            return value
        } catch {
            try? await dropDatabase(name)
            throw error
        }
    }

    static func dropDatabase(_ name: String) async throws {
        try await withClient("postgres") { c in
            _ = try await c.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger)
        }
    }
}

/// The service as `kiosk-hq serve` builds it, over a test database, with admin password `admin-password-1`.
struct HQTestApp {
    static let adminPassword = "admin-password-1"
    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    static func config(database: String, edit: (inout HQConfig) -> Void = { _ in }) throws -> HQConfig {
        var c = HQConfig(
            postgres: try TestPostgres.configuration(database: database), campaignFile: repoRoot.appendingPathComponent("Assets/hq-campaign.json"))
        c.adminPassword = adminPassword
        edit(&c)
        return c
    }

    /// A fresh database and the service over it; `body` gets a client of the router.
    static func run(
        _ mode: TestingSetup = .router, edit: @escaping (inout HQConfig) -> Void = { _ in },
        _ body: @escaping @Sendable (any TestClientProtocol, String) async throws -> Void
    ) async throws {
        try await TestPostgres.withDatabase { db in
            let app = try buildHQApplication(try config(database: db, edit: edit), logger: TestPostgres.logger)
            try await app.test(mode) { client in try await body(client, db) }
        }
    }
}

// MARK: - Calls as a user would make them

extension TestClientProtocol {
    func json(_ value: [String: Any]) -> ByteBuffer { ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: value)) }

    func call(
        _ method: HTTPRequest.Method, _ uri: String, token: String? = nil, body: ByteBuffer? = nil, type: String = "application/json"
    )
        async throws -> (status: HTTPResponse.Status, json: [String: Any], text: String)
    {
        var headers: HTTPFields = [.contentType: type]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(uri: uri, method: method, headers: headers, body: body) { r in
            let text = String(buffer: r.body)
            let json = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
            return (r.status, json, text)
        }
    }

    func login(_ user: String, _ password: String) async throws -> String {
        let r = try await call(.post, "/api/login", body: json(["user": user, "password": password]))
        #expect(r.status == .ok, "login \(user): \(r.text)")
        return r.json["token"] as? String ?? ""
    }

    func admin() async throws -> String { try await login("admin", HQTestApp.adminPassword) }

    /// A dealer with a kiosk enrolled under it.
    func enrolDealer(_ admin: String, code: String, region: String = "华东", kiosk: SyntheticKiosk) async throws {
        let d = try await call(.post, "/api/dealers", token: admin, body: json(["code": code, "name": "\(code) 4S店", "region": region]))
        #expect(d.status == .created, "\(d.text)")
        let enroll = d.json["enroll_code"] as? String ?? ""
        let e = try await call(.post, "/api/enroll", body: json(["enroll_code": enroll, "public_key": kiosk.publicKey.base64EncodedString()]))
        #expect(e.status == .created, "\(e.text)")
    }

    func postPack(_ zip: Data) async throws -> (status: HTTPResponse.Status, json: [String: Any], text: String) {
        try await call(.post, "/api/packs", body: ByteBuffer(bytes: zip), type: "application/zip")
    }

    func postCheckpoint(_ note: String) async throws -> (status: HTTPResponse.Status, json: [String: Any], text: String) {
        try await call(.post, "/api/checkpoints", body: ByteBuffer(string: note), type: "text/plain")
    }
}

/// A time in Shanghai on a given day, e.g. `shanghai("2026-12-02", hour: 10)`.
func shanghai(_ day: String, hour: Int = 10) -> Date { Week.dayStart(day)!.addingTimeInterval(Double(hour) * 3600) }
