import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import EventKiosk

/// Builds the same router the server uses, over an in-memory database with the demo event and admin PIN 1234.
struct TestApp {
    let db: AppDatabase
    let app: Application<RouterResponder<AppRequestContext>>
    let routes: [RouteEntry]
    let feed = LiveFeed()

    static let adminPIN = "1234"

    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    init(db: AppDatabase? = nil, loadDemoInvitees: Bool = false, policy: LoginThrottle.Policy = .init(), tls: TLSSetup? = nil,
        hqTransport: (any HQTransport)? = nil
    ) async throws {
        let db = try db ?? AppDatabase.inMemory()
        var config = AppConfig()
        config.adminPIN = Self.adminPIN
        config.kioskDir = Self.repoRoot.appendingPathComponent("Kiosk")
        config.loginPolicy = policy
        // Set-aside days (issue 24) go to a folder of this test's own, never the checkout's kiosk-data.
        config.dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-test-\(UUID().uuidString)")
        if let hqTransport { config.hqTransport = hqTransport }
        config.eventFile = Self.repoRoot.appendingPathComponent("Assets/demo-event.json")
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        if loadDemoInvitees {
            try await prepareFirstStart(db: db, config: config, logger: logger)
        } else {
            var event = try EventConfig.load(file: config.eventFile)
            event.inviteesFile = nil
            if try await db.event() == nil { try await db.saveEvent(event) }
            if try await db.inspectionTemplate() == nil {
                try await db.saveInspectionTemplate(
                    try InspectionTemplate.load(file: Self.repoRoot.appendingPathComponent("Assets/inspection-21.json")))
            }
            _ = try await db.ensureAdmin(envPIN: Self.adminPIN)
        }
        let (router, api) = buildRouter(db: db, config: config, feed: feed, tls: tls)
        self.db = db
        self.routes = api.entries
        self.app = Application(router: router, logger: logger)
    }

    func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await app.test(.router, body)
    }
}

extension TestClientProtocol {
    /// Signs in with a PIN and returns the bearer token.
    func login(_ pin: String) async throws -> String {
        try await execute(uri: "/api/login", method: .post, body: jsonBody(["pin": pin])) { response in
            #expect(response.status == .ok, "login with \(pin) failed: \(String(buffer: response.body))")
            return try decodeJSON(LoginAnswer.self, response).token
        }
    }

    /// Adds a staff member as admin and returns their token.
    func staffToken(admin: String, role: Role, pin: String, name: String? = nil) async throws -> String {
        try await execute(
            uri: "/api/staff", method: .post, headers: auth(admin),
            body: jsonBody(["name": name ?? "测试\(role.rawValue)", "role": role.rawValue, "pin": pin])
        ) { response in
            #expect(response.status == .created, "adding \(role) failed: \(String(buffer: response.body))")
        }
        return try await login(pin)
    }
}

struct LoginAnswer: Decodable { let token: String; let role: String; let name: String }

func auth(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

func jsonBody(_ value: some Encodable) -> ByteBuffer {
    ByteBuffer(data: try! JSONEncoder().encode(value))
}

func decodeJSON<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
    let d = JSONDecoder()
    d.keyDecodingStrategy = .convertFromSnakeCase
    d.dateDecodingStrategy = .iso8601
    return try d.decode(T.self, from: Data(buffer: response.body))
}

/// The contract's error body.
struct ErrorAnswer: Decodable { let error: String; let message: String }

/// The `error` code of a contract error body ("" if the body is not one).
func errorCode(_ r: TestResponse) -> String { (try? decodeJSON(ErrorAnswer.self, r))?.error ?? "" }
/// The human message of a contract error body ("" if the body is not one).
func errorMessage(_ r: TestResponse) -> String { (try? decodeJSON(ErrorAnswer.self, r))?.message ?? "" }

extension TestApp {
    /// Checks these guests in at the main door (bonus spins go to guests in the room, issue 23); already in is fine.
    func checkIn(_ ids: some Sequence<Int64>) async throws {
        for id in ids {
            _ = try await db.checkIn(scanned: try await db.invitee(id: id).code, door: "正门", nonce: "test-in-\(id)", partySize: nil, staffID: nil)
        }
    }
}

/// The id in a `POST /api/wheel/grants` answer; a refusal fails the test with its message (never a crash).
func grantID(_ r: TestResponse) throws -> Int64 {
    let grant = (try? JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: [String: Int64]])?["grant"]?["id"]
    return try #require(grant, "grant refused: \(r.status) \(String(buffer: r.body))")
}
