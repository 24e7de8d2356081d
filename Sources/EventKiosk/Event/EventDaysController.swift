import Foundation
import Hummingbird

/// 新活动 and the days set aside (issue 24): `POST /api/events/new`, `GET /api/events/archive`, and bringing a day back.
struct EventDaysController {
    let db: AppDatabase
    let config: AppConfig
    let feed: LiveFeed
    let closed: ClosedFlag
    /// The backup folder: its copies can come back from the page too, the day in force set aside first.
    let backup: BackupTarget

    /// Where set-aside days are kept: beside the database, never in the served folder.
    var folder: URL { config.dataDir.appendingPathComponent("set-aside", isDirectory: true) }
    /// The demo: training one click away, always from the demo file shipped with the kiosk, with its guests.
    var demoFile: URL { config.assetsDir.appendingPathComponent("demo-event.json") }

    func register(on api: APIRouter) {
        api.get("/api/events/archive", .admin) { _, _ in .json(Archive(items: AppDatabase.setAsideDays(in: folder))) }
        api.get("/api/events/defaults", .admin) { _, _ in .json(try await starter(NewEventForm())) }
        api.post("/api/events/new", .admin, startNew)
        api.post("/api/events/archive/{id}/restore", .admin) { _, context in
            let aside = try await db.restoreSetAside(id: context.parameters.get("id") ?? "", folder: folder)
            try await dayChanged()
            return .json(Restored(event: EventController.PublicEvent(try await db.eventInForce()), setAside: aside))
        }
        // The backups in the backup folder, and one brought back while the server runs (`kiosk restore` needs it stopped).
        api.get("/api/backup/files", .admin) { _, _ in
            .json(Backups(folder: backup.folder?.path, items: backup.folder.map(AppDatabase.setAsideDays(in:)) ?? []))
        }
        api.post("/api/backup/files/{id}/restore", .admin) { _, context in
            let id = context.parameters.get("id") ?? ""
            guard id.range(of: #"^kiosk-[0-9-]+$"#, options: .regularExpression) != nil,
                let source = backup.folder?.appendingPathComponent("\(id).sqlite"),
                FileManager.default.fileExists(atPath: source.path)
            else { throw APIError.notFound("备份文件夹里没有 \(id.prefix(80)) / No backup \(id.prefix(80)) in the backup folder") }
            let aside = try await db.bringBack(source, setAsideInto: folder)
            try await dayChanged()
            return .json(Restored(event: EventController.PublicEvent(try await db.eventInForce()), setAside: aside))
        }
    }

    struct Backups: Encodable { let folder: String?; let items: [SetAsideDay] }

    struct Archive: Encodable { let items: [SetAsideDay] }
    struct Started: Encodable { let event: EventController.PublicEvent; let setAside: SetAsideDay; let imported: Int }
    struct Restored: Encodable { let event: EventController.PublicEvent; let setAside: SetAsideDay }

    /// The form's event on the seed plan's defaults, or the demo day.
    func starter(_ form: NewEventForm) async throws -> EventConfig {
        let defaults = try EventConfig.load(file: demoFile)
        if form.demo == true { return defaults }
        return EventConfig.starter(form, defaults: defaults, current: try await db.event())
    }

    @Sendable func startNew(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await request.decodeJSON(as: NewEventForm.self, context: context)
        let event = try await starter(form)
        let aside = try await db.startNewEvent(event, setAsideInto: folder)
        var imported = 0
        if form.demo == true { imported = try await importInviteesFile(of: event, eventFile: demoFile, db: db)?.imported ?? 0 }
        context.logger.notice("new event started", metadata: ["event": "\(event.name)", "set_aside": "\(aside.id)"])
        try await dayChanged()
        return .json(Started(event: EventController.PublicEvent(event), setAside: aside, imported: imported), status: .created)
    }

    /// Every screen learns of the other day at once: the event, its state, and a reset of what they hold.
    func dayChanged() async throws {
        closed.set(try await db.isClosed())
        let event = try await db.eventInForce()
        await feed.publish("event", EventController.PublicEvent(event))
        await feed.publish("day_changed", ["name": event.name, "date": event.date])
    }
}
