import Foundation
import Hummingbird

/// The event: what pages need in public, and the admin's editor and readiness checklist.
struct EventController {
    let db: AppDatabase
    let config: AppConfig
    let backup: BackupTarget
    let feed: LiveFeed
    /// Set when the day is closed, so the router refuses changes without a database read.
    let closed: ClosedFlag
    /// Whether the HTTPS listener runs: then the checklist counts the devices that reached it.
    var httpsOn = false
    /// Where the closed day's pack goes (issue 25).
    let hq: HQLink
    /// The tally under the event's current tiers, sent to the screens after an edit changes them.
    let tally: @Sendable () async throws -> Tally

    func register(on api: APIRouter) {
        api.get("/api/event", .everyone) { _, _ in .json(PublicEvent(try await event())) }
        api.get("/api/event/config", .admin, editorView)
        api.put("/api/event", .admin, update)
        api.get("/api/readiness", .admin) { _, _ in .json(try await readiness()) }
        api.post("/api/readiness/{item}", .admin) { _, context in
            let keys = ["qr_printed": AppDatabase.qrPrintedKey, "rules_reviewed": AppDatabase.rulesReviewedKey]
            guard let key = keys[context.parameters.get("item") ?? ""] else {
                throw APIError.notFound("只能确认 qr_printed 或 rules_reviewed / Only qr_printed or rules_reviewed can be ticked")
            }
            try await db.markReady(key, staffID: context.staff?.staffID)
            return .json(try await readiness())
        }
        // Closing the day reveals the wheel's seed; from then on every change is refused (ClosedEvent).
        api.post("/api/event/close", .admin) { _, _ in
            let seed = try await db.closeEvent()
            closed.close()
            // The closed day's log, signed: what the manufacturer holds can no longer be rebuilt (issue 25).
            _ = try await db.checkpoint(reason: "close")
            // …and sent with the closed day's pack, now if the manufacturer can be reached, later if not.
            Task { await hq.dayClosed() }
            await feed.publish("event_closed", ["wheel_seed": seed])
            return .json(Closed(closed: true, wheelSeed: seed))
        }
    }

    struct Closed: Encodable { let closed: Bool; let wheelSeed: String }

    func event() async throws -> EventConfig { try await db.eventInForce() }

    struct PublicEvent: Encodable, Sendable {
        let name, date, venue, dealer: String
        let startTime, endTime: String?
        let doors: [String]
        let models: [String]
        let tiers: [EventConfig.Tier]
        /// The planned grand draws (public, as on the rules page): the draw page offers exactly these.
        let draws: [EventConfig.Draw]
        /// The buses: the door page offers each as a "door" where guests board.
        let buses: [String]
        init(_ e: EventConfig) {
            name = e.name; date = e.date; venue = e.venue; dealer = e.dealer
            startTime = e.startTime; endTime = e.endTime; doors = e.doors; models = e.models ?? []; tiers = e.tiers; draws = e.draws
            buses = (e.buses ?? []).map(\.name)
        }
    }

    // MARK: - Editor

    struct EditorView: Encodable {
        let event: EventConfig
        let closed: Bool
        /// Prizes given out so far, by prize id: the least stock each may be set to.
        let won: [String: Int]
        let spins: Int
        let inspectionTemplate: TemplateInfo?
        struct TemplateInfo: Encodable { let name: String; let items: Int; let locked: Bool }
    }

    /// The whole event as the admin edits it, with what the day so far fixes (prizes given, template in use).
    @Sendable func editorView(_ request: Request, context: AppRequestContext) async throws -> Response {
        let spins = try await db.spins()
        let won = Dictionary(grouping: spins, by: \.prize.id).mapValues(\.count)
        let template = try await db.inspectionTemplate()
        let inspections = try await db.inspectionCount()
        return .json(
            EditorView(
                event: try await event(), closed: try await db.isClosed(), won: won, spins: spins.count,
                inspectionTemplate: template.map { .init(name: $0.name, items: $0.items.count, locked: inspections > 0) }))
    }

    /// Replaces the event after checking all of it: 422 with every problem by field, and nothing changes until it is valid.
    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let bytes = try await request.bodyBytes(context: context, limit: BodyLimit.document)
        let new: EventConfig
        do { new = try JSON.decoder.decode(EventConfig.self, from: Data(bytes)).fillingCodes() } catch let error as DecodingError {
            throw DomainError.invalidEvent([EventConfig.problem(from: error)])
        }
        let old = try await event()
        // A different template file is loaded now, so a missing or broken one is refused with the rest.
        var template: InspectionTemplate?
        if new.inspectionTemplate != old.inspectionTemplate {
            do { template = try loadInspectionTemplate(named: new.inspectionTemplate, config: config) } catch {
                throw DomainError.invalidEvent([EventProblem(field: "inspection_template", message: "\(error)")])
            }
        }
        struct Reasons: Decodable { let tiersChangeReason: String?; let stockChangeReason: String? }
        let reasons = try? JSON.decoder.decode(Reasons.self, from: Data(bytes))
        func given(_ s: String?) -> String? { s?.trimmedOrNil.map { String($0.prefix(200)) } }
        let before = try await db.stockChanges().count
        let saved = try await db.updateEvent(
            new, template: template, staffID: context.staff?.staffID,
            tiersChangeReason: given(reasons?.tiersChangeReason), stockChangeReason: given(reasons?.stockChangeReason))
        context.logger.notice("event edited", metadata: ["event": "\(saved.name)"])
        // The MC screen shows the tiers and the rebate: the new ones, now.
        await feed.publish("event", PublicEvent(saved))
        // A stock change after the first spin is shown on the wheel screen at once (and on /rules, which reads the record).
        let changes = try await db.stockChanges()
        if changes.count > before { await feed.publish("stock_change", ["changes": Array(changes.dropFirst(before))]) }
        if let tally = try? await tally() { await feed.publish("tally", tally) }
        return try await editorView(request, context: context)
    }

    // MARK: - Readiness

    /// `closed_at`: once the day is closed the checklist is history, and the page says the day is over instead.
    struct ReadinessView: Encodable { let ready: Bool; let items: [Readiness.Item]; let backup: BackupTarget.State; let closedAt: String? }

    func readiness() async throws -> ReadinessView {
        var facts = try await db.readinessFacts()
        let state = backup.current
        facts.backupFolder = state.folder
        facts.backupError = state.lastError
        facts.httpsDevices = httpsOn ? try await db.httpsDeviceCount() : nil
        let items = Readiness.check(facts)
        let closedAt = try await db.read { db in try AppDatabase.setting(db, AppDatabase.closedKey) }
        return ReadinessView(ready: items.allSatisfy { $0.ok || $0.optional }, items: items, backup: state, closedAt: closedAt)
    }
}
