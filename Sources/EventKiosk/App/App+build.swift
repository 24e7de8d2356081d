import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import ServiceLifecycle

/// Everything `kiosk serve` needs to know.
public struct AppConfig: Sendable {
    public var host = "0.0.0.0"
    public var port = 8080
    public var dataDir = Install.defaultDataDir()
    public var eventFile = Install.demoEvent
    public var kioskDir = Install.kioskDir
    /// Where the default inspection template lives when the event file's folder has none.
    public var assetsDir = Install.assetsDir
    /// `KIOSK_ADMIN_PIN`; nil means generate one at first start.
    public var adminPIN: String?
    public var loginPolicy = LoginThrottle.Policy()
    /// A keep-alive connection with nothing to do, or a client that sends half a request and stalls, is closed
    /// after this long, so it cannot hold a file descriptor forever. A response in progress (a live stream) is never idle.
    public var idleTimeout: Duration = .seconds(30)
    /// A request that arrives slower than this has its connection closed (`RequestDeadlineHandler`).
    public var requestPace = RequestPace()
    /// A second folder (a USB stick) for automatic snapshots; nil means none.
    public var snapshotDir: URL?
    public var snapshotEvery: Duration = .seconds(300)
    public var snapshotKeep = 12
    /// Set when the data folder cannot be written at start: the server serves reads and says so on every page.
    public var readOnlyReason: String?
    /// Live streams one client address may hold open, and all clients together (`/api/stream`).
    public var streamsPerClient = 8
    public var streamsTotal = 1_000
    /// The HTTPS port (the camera needs a secure page); 0 turns HTTPS off.
    public var httpsPort = 8443
    /// How checkpoints and packs reach the manufacturer's service (issue 25); tests give their own.
    public var hqTransport: any HQTransport = HTTPHQTransport()
    /// How often the sender tries the queue.
    public var hqEvery: Duration = .seconds(60)
    public init() {}
}

/// Opens the store, loads the event on the first start, and builds the servers: HTTP, and HTTPS with the kiosk's
/// own CA when `tls` is given. Both serve the one router, so every page and API answers the same on either port.
/// The live feed is passed in so the caller can run `LiveFeedService(feed:)` after the servers (see `runServer`).
public func buildServers(
    _ config: AppConfig, db: AppDatabase, feed: LiveFeed, backup: BackupTarget? = nil, tls: TLSSetup? = nil, hq: HQLink? = nil,
    logger: Logger
) async throws -> [any Service] {
    try await prepareFirstStart(db: db, config: config, logger: logger)
    let (router, _) = buildRouter(db: db, config: config, feed: feed, backup: backup, tls: tls, hq: hq)
    let responder = router.buildResponder()
    let http = Application(
        responder: responder,
        server: .http1(configuration: httpConfiguration(config)),
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "EventKiosk"),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? config.port
            logger.notice(
                "EventKiosk is serving on http://\(config.host == "0.0.0.0" ? "<this laptop's IP>" : config.host):\(port)/ (data: \(config.dataDir.path))"
            )
            say("打开 Open: http://localhost:\(port)/  ·  管理 Admin: http://localhost:\(port)/admin.html")
            for ip in tls?.addresses ?? LocalAddresses.ipv4() {
                say("平板/手机 Tablets and phones: http://\(ip):\(port)/  ·  首次设置 Set a tablet up once: http://\(ip):\(port)/setup.html")
            }
        },
        logger: logger
    )
    guard let tls else { return [http] }
    let https = Application(
        responder: responder,
        server: try .tls(.http1(configuration: httpConfiguration(config)), tlsConfiguration: tls.serverConfiguration()),
        configuration: .init(address: .hostname(config.host, port: tls.httpsPort), serverName: "EventKiosk"),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? tls.httpsPort
            logger.notice(
                "EventKiosk is serving HTTPS on port \(port) for \(tls.addresses.joined(separator: ", ")) (CA: \(KioskCA.folder(in: config.dataDir).path))"
            )
            for ip in ["127.0.0.1"] + tls.addresses {
                say("HTTPS（平板摄像头扫码 camera scanning）: https://\(ip):\(port)/door.html")
            }
        },
        logger: logger
    )
    return [http, https]
}

/// HTTP/1.1 as both ports serve it: idle connections closed after `idleTimeout`, requests that trickle in cut off.
public func httpConfiguration(_ config: AppConfig) -> HTTP1Channel.Configuration {
    let idle = TimeAmount.nanoseconds(Int64(config.idleTimeout.components.seconds) * 1_000_000_000)
    let pace = config.requestPace
    return .init(additionalChannelHandlers: [RequestDeadlineHandler(pace: pace)], idleTimeout: idle)
}

/// Runs the server until SIGINT/SIGTERM, then shuts down gracefully: live streams first, then HTTP, then the store.
public func runServer(_ config: AppConfig, logger: Logger) async throws {
    OpenFileLimit.raise(logger: logger)
    let feed = LiveFeed()
    var config = config
    let db: AppDatabase
    do {
        db = try AppDatabase.open(directory: config.dataDir)
    } catch {
        // A data folder that cannot be written still holds the day: open it for reading rather than not at all.
        let file = config.dataDir.appendingPathComponent(AppDatabase.fileName)
        guard FileManager.default.fileExists(atPath: file.path), !AppDatabase.canWrite(in: config.dataDir) else { throw error }
        db = try AppDatabase.openImmutable(directory: config.dataDir)
        config.readOnlyReason = "\(error)"
        logger.critical(
            "STORAGE: data folder \(config.dataDir.path) cannot be written (\(error)): serving READ-ONLY; nothing can be saved until it is fixed")
        say(
            "⚠ 数据文件夹无法写入，只能查看，不能保存 / "
                + "The data folder cannot be written: viewing only, nothing can be saved (\(config.dataDir.path))")
    }
    if let folder = config.snapshotDir, BackupTarget.isInside(folder, config.kioskDir) {
        throw BackupTarget.servedFolderRefused(folder.path)
    }
    let backup = BackupTarget(folder: config.snapshotDir, every: config.snapshotEvery, keep: config.snapshotKeep, served: config.kioskDir)
    if config.snapshotDir == nil, let saved = try? await db.savedBackupFolder() {
        backup.resume(folder: saved)
        say("自动备份 Snapshots: every \(config.snapshotEvery.components.seconds / 60) min → \(saved) (set on the admin page)")
    }
    var tls: TLSSetup?
    if config.httpsPort != 0 {
        do { tls = try TLSSetup.prepare(dataDir: config.dataDir, httpsPort: config.httpsPort) } catch {
            // Without HTTPS the door still works with handheld scanners, photos and look-up: serve rather than stop.
            logger.error("HTTPS is off: \(error)")
            say("⚠ HTTPS 未能启动，摄像头实时扫码不可用（扫码枪、拍照、查找仍可用）/ HTTPS could not start: \(error)")
        }
    }
    if config.readOnlyReason == nil { try await sayRestoreFindings(db: db, logger: logger) }
    let hq = HQLink(db: db, transport: config.hqTransport)
    let servers = try await buildServers(config, db: db, feed: feed, backup: backup, tls: tls, hq: hq, logger: logger)
    // Snapshots run all day; until a folder is set (here or on the admin page) each turn does nothing.
    let services: [any Service] =
        servers + [
            LiveFeedService(feed: feed),
            SnapshotService(db: db, target: backup, every: config.snapshotEvery, logger: logger),
            HQSenderService(link: hq, every: config.hqEvery),
        ]
    if let folder = config.snapshotDir {
        say("自动备份 Snapshots: every \(config.snapshotEvery.components.seconds / 60) min → \(folder.path) (keeping \(config.snapshotKeep))")
    }
    let group = ServiceGroup(
        configuration: .init(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
    try await group.run()
}

/// Loads the event file into an empty database and makes sure an admin exists (printing a generated PIN once).
public func prepareFirstStart(db: AppDatabase, config: AppConfig, logger: Logger) async throws {
    if config.readOnlyReason != nil {
        guard try await db.event() != nil else {
            throw EventFileError(
                source: config.dataDir.path, problems: [EventProblem(field: "(data)", message: "cannot be written and holds no event")])
        }
        return  // nothing can be written: what is there is served as it is
    }
    if try await db.event() == nil {
        let event = try EventConfig.load(file: config.eventFile)
        if let result = try await importInviteesFile(of: event, eventFile: config.eventFile, db: db) {
            logger.notice("imported invitees", metadata: ["imported": "\(result.imported)", "rejected": "\(result.rejected.count)"])
        }
        try await db.saveEvent(event)
        logger.notice("loaded event file", metadata: ["file": "\(config.eventFile.path)", "event": "\(event.name)"])
    }
    if try await db.inspectionTemplate() == nil, let event = try await db.event() {
        let template = try loadInspectionTemplate(named: event.inspectionTemplate, config: config)
        try await db.saveInspectionTemplate(template)
        logger.notice("loaded inspection template", metadata: ["template": "\(template.name)", "items": "\(template.items.count)"])
    }
    if let pin = config.adminPIN, pin.count < PinHasher.minimumLength(for: .admin) {
        say("⚠ KIOSK_ADMIN_PIN 少于 8 位，活动当天可能被猜中 / KIOSK_ADMIN_PIN is shorter than 8 digits: it could be guessed on the day")
    }
    if let generated = try await db.ensureAdmin(envPIN: config.adminPIN) {
        say(
            """
            ┌──────────────────────────────────────────────┐
              管理员 PIN / Admin PIN:  \(generated)
              只显示这一次，请记下 · Shown once: write it down
            └──────────────────────────────────────────────┘
            """)
    }
}

/// The invitee CSV an event file names (`invitees_file`, next to it), imported; nil when it names none.
func importInviteesFile(of event: EventConfig, eventFile: URL, db: AppDatabase) async throws -> ImportResult? {
    guard let name = event.inviteesFile else { return nil }
    let file = eventFile.deletingLastPathComponent().appendingPathComponent(name)
    let bytes: [UInt8]
    do { bytes = Array(try Data(contentsOf: file)) } catch {
        throw EventFileError(source: eventFile.path, problems: [EventProblem(field: "invitees_file", message: "\(file.path) cannot be read")])
    }
    do { return try await db.importInvitees(try InviteeImport(bytes: bytes)) } catch let e as InviteeImport.Failure {
        throw EventFileError(source: eventFile.path, problems: [EventProblem(field: "invitees_file", message: e.message)])
    }
}

/// The event's inspection template: next to the event file, else in `Assets/`.
func loadInspectionTemplate(named name: String, config: AppConfig) throws -> InspectionTemplate {
    let beside = config.eventFile.deletingLastPathComponent().appendingPathComponent(name)
    let file = FileManager.default.fileExists(atPath: beside.path) ? beside : config.assetsDir.appendingPathComponent(name)
    return try InspectionTemplate.load(file: file)
}

/// The router with every route and middleware; tests build the same one and call `app.test(.router)`.
public func buildRouter(
    db: AppDatabase, config: AppConfig, feed: LiveFeed = LiveFeed(),
    backup: BackupTarget? = nil, tls: TLSSetup? = nil, hq: HQLink? = nil
) -> (Router<AppRequestContext>, APIRouter) {
    let hq = hq ?? HQLink(db: db, transport: config.hqTransport)
    let backup = backup ?? BackupTarget(folder: config.snapshotDir, every: config.snapshotEvery, keep: config.snapshotKeep, served: config.kioskDir)
    let router = Router(context: AppRequestContext.self)
    let closed = ClosedFlag((try? db.reader.read { db in try AppDatabase.setting(db, AppDatabase.closedKey) != nil }) ?? false)
    router.addMiddleware {
        LogRequestsMiddleware<AppRequestContext>(.info)
        ErrorMiddleware()
        if let tls { HTTPSDeviceMiddleware(httpsPort: tls.httpsPort, devices: HTTPSDevices(db: db)) }
        FileMiddleware(
            config.kioskDir.path,
            cacheControl: .init([
                (MediaType(type: .text), [.noCache]),
                (MediaType(type: .application), [.noCache]),
                (MediaType(type: .image), [.maxAge(3600)]),
            ]), searchForIndexHtml: true)
        AuthMiddleware(db: db)
        if config.readOnlyReason != nil { StorageNoticeMiddleware() }
    }
    router.get("/healthz") { _, _ in
        try db.journalMode()  // proves the store is open and answering
        return Response.json(["status": "ok", "version": Install.version])
    }
    let api = APIRouter(router: router, closed: closed)
    StaffController(db: db, gate: LoginGate(policy: config.loginPolicy, clock: db.clock), httpsPort: tls?.httpsPort).register(on: api)
    let orders = OrdersController(db: db, notifier: TallyNotifier(feed: feed))
    EventController(
        db: db, config: config, backup: backup, feed: feed, closed: closed, httpsOn: tls != nil, hq: hq,
        tally: { try await orders.currentTally() }
    ).register(on: api)
    EventDaysController(db: db, config: config, feed: feed, closed: closed, backup: backup).register(on: api)
    WallController(db: db).register(on: api)
    SeatingController(db: db).register(on: api)
    DeviceSetupController(db: db, tls: tls, httpPort: config.port).register(on: api)
    InvitationsController(db: db).register(on: api)
    InvitationPages(db: db).register(on: api)
    CampaignController(db: db).register(on: api)
    CheckInController(db: db, feed: feed).register(on: api)
    orders.register(on: api)
    DrawsController(db: db, feed: feed).register(on: api)
    AuditController(db: db).register(on: api)
    HQLinkController(link: hq).register(on: api)
    SurveyController(db: db, limiter: SurveyRateLimit(clock: db.clock)).register(on: api)
    InspectionsController(db: db).register(on: api)
    PrizesController(db: db).register(on: api)
    ReportsController(db: db, backup: backup).register(on: api)
    LiveController(
        feed: feed, slots: StreamSlots(perClient: config.streamsPerClient, total: config.streamsTotal),
        snapshot: {
            func json(_ v: some Encodable) throws -> String { String(decoding: try JSON.encoder.encode(v), as: UTF8.self) }
            let latest = try await db.orders(limit: 20).filter { !$0.voided }.prefix(8).map(PublicOrder.init)
            return [
                ("status", try json(try await db.arrivalStatus())), ("tally", try json(try await orders.currentTally())),
                ("orders", try json(Array(latest))),
            ]
        }
    ).register(on: api)
    return (router, api)
}

/// Console lines for the person at the laptop, flushed at once (stdout is block-buffered when piped, e.g. through tee).
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
