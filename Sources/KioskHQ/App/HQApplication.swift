import Foundation
import Hummingbird
import KioskFormats
import Logging
import NIOCore
import PostgresNIO
import ServiceLifecycle

/// How one `kiosk-hq` process runs. Several may serve one database.
public struct HQConfig: Sendable {
    public var postgres: PostgresClient.Configuration
    public var host = "127.0.0.1"
    public var port = 8090
    public var campaignFile: URL
    public var pagesDir: URL?
    /// The first admin's password (env `HQ_ADMIN_PASSWORD`); without it one is made and printed once.
    public var adminPassword: String?
    /// A call held this long without an answer goes back to the queue.
    public var callHoldSeconds = 600
    public var maxPackBytes = 64 << 20
    public var now: @Sendable () -> Date = { Date() }
    /// Fill an empty database with the demo campaign (`make hq`).
    public var demo = false

    public init(postgres: PostgresClient.Configuration, campaignFile: URL) {
        self.postgres = postgres
        self.campaignFile = campaignFile
    }
}

/// What every route reads: the store, the campaign file's defaults and the config.
struct HQServices: Sendable {
    let store: HQStore
    let config: HQConfig
    let campaignFile: Campaign
    let logger: Logger

    func campaign() async throws -> Campaign { try await store.campaign(default: campaignFile) }
}

/// The Application with PostgreSQL's client beside it as a service; migrations (and the first admin) before the server
/// starts, as Hummingbird's todos-postgres-tutorial does.
public func buildHQApplication(_ config: HQConfig, logger: Logger) throws -> some ApplicationProtocol {
    let campaign: Campaign
    do { campaign = try Campaign.load(try Data(contentsOf: config.campaignFile)) } catch let e as CampaignError {
        throw HQError(.internalServerError, "bad_campaign", "\(config.campaignFile.path): \(e)")
    }
    let client = PostgresClient(configuration: config.postgres, backgroundLogger: logger)
    let store = HQStore(client: client, logger: logger)
    let services = HQServices(store: store, config: config, campaignFile: campaign, logger: logger)
    let router = Router()
    router.middlewares.add(HQErrorMiddleware(logger: logger))
    router.middlewares.add(HQDeadlineMiddleware())
    HQRoutes.add(to: router, services)
    if let pages = config.pagesDir {
        router.get("/") { _, _ in Response(status: .seeOther, headers: [.location: "/hq/"]) }
        router.middlewares.add(HQPagesOnly())
        router.middlewares.add(FileMiddleware(pages.path, searchForIndexHtml: true, logger: logger))
    }
    var app = Application(router: router, configuration: .init(address: .hostname(config.host, port: config.port)), logger: logger)
    app.addServices(client)
    app.beforeServerStarts {
        try await store.migrate()
        if let made = try await store.ensureAdmin(password: config.adminPassword) {
            print("kiosk-hq: the first admin is user \"admin\" with password \(made) (shown once; set HQ_ADMIN_PASSWORD to choose it)")
        }
        if config.demo { try await DemoCampaign.seed(services) }
    }
    return app
}

/// The HQ pages are `Kiosk/hq/` with the kiosk's language switch; the kiosk's own pages are not served here.
struct HQPagesOnly<Context: RequestContext>: RouterMiddleware {
    static var shared: [String] { ["/js/i18n.js", "/favicon.ico"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/api/") || path == "/healthz" || path.hasPrefix("/hq/") || path == "/hq" || Self.shared.contains(path) else {
            throw HQError.notFound("没有这个页面 / No such page: \(path)")
        }
        return try await next(request, context)
    }
}

/// Anything that is not already an HTTP answer becomes one: a database that cannot be reached is a 503 that says so,
/// anything else a 500 with the error logged. Never a crash, never an HTML page.
struct HQErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as HQError {
            throw e
        } catch let e as HTTPError {
            if e.status == .contentTooLarge { throw HQError(.contentTooLarge, "too_large", "上传内容过大 / The upload is too large") }
            throw HQError(e.status, e.status == .notFound ? "not_found" : "bad_request", e.body ?? e.status.reasonPhrase)
        } catch let e as DecodingError {
            throw HQError.bad("请求内容无法读取 / The request body is not what this call takes: \(Self.describe(e))")
        } catch {
            logger.error("request \(request.uri.path) failed: \(String(reflecting: error))")
            if error is PSQLError || error is PostgresTransactionError || error is ChannelError || error is IOError {
                throw HQError.unavailable
            }
            throw HQError(.internalServerError, "internal", "内部错误，已记录 / Internal error; it was logged")
        }
    }

    static func describe(_ e: DecodingError) -> String {
        switch e {
        case .keyNotFound(let k, _): "field \(k.stringValue) is missing"
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            "field \(c.codingPath.map(\.stringValue).joined(separator: ".")): \(c.debugDescription)"
        @unknown default: "\(e)"
        }
    }
}

/// A request that PostgreSQL cannot answer in time (the server down or restarting: PostgresClient waits for a
/// connection rather than failing) gets `503 database_unavailable` instead of hanging; the service answers again by
/// itself once the database is back. Pack uploads have longer, as their body may come over a slow link.
struct HQDeadlineMiddleware<Context: RequestContext>: RouterMiddleware {
    var api: Duration = .seconds(15)
    var packs: Duration = .seconds(180)

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let limit = request.uri.path == "/api/packs" ? packs : api
        return try await withoutActuallyEscaping(next) { next in
            nonisolated(unsafe) let next = next
            return try await withThrowingTaskGroup(of: Response?.self) { group in
                group.addTask { try await next(request, context) }
                group.addTask {
                    try await Task.sleep(for: limit)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let response = first else { throw HQError.unavailable }
                return response
            }
        }
    }
}
