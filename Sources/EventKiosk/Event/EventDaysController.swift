import Foundation
import Hummingbird

/// 新活动 and the days set aside (issue 24): `POST /api/events/new`, `GET /api/events/archive`, and bringing a day back.
struct EventDaysController {
    let db: AppDatabase
    let config: AppConfig
    let feed: LiveFeed
    let closed: ClosedFlag

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
            return .json(Restored(event: EventController.PublicEvent(try await currentEvent()), setAside: aside))
        }
    }

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

    func currentEvent() async throws -> EventConfig {
        guard let event = try await db.event() else { throw APIError.notFound("尚未加载活动 / No event loaded") }
        return event
    }

    /// Every screen learns of the other day at once: the event, its state, and a reset of what they hold.
    func dayChanged() async throws {
        closed.set(try await db.isClosed())
        let event = try await currentEvent()
        await feed.publish("event", EventController.PublicEvent(event))
        await feed.publish("day_changed", ["name": event.name, "date": event.date])
    }
}
