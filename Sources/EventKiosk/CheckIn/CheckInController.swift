import Foundation
import Hummingbird

/// The door: scans, walk-ins, undo, and the arrival counts.
struct CheckInController {
    let db: AppDatabase
    let feed: LiveFeed
    let batcher: CheckInBatcher

    init(db: AppDatabase, feed: LiveFeed) {
        self.db = db
        self.feed = feed
        self.batcher = CheckInBatcher(db: db)
    }

    /// A greeter may undo their door's mistake for this long; an admin any time.
    static let greeterUndoWindow: TimeInterval = 15 * 60

    func register(on api: APIRouter) {
        api.post("/api/checkins", .only(.greeter), checkIn)
        api.post("/api/checkins/image", .only(.greeter), checkInImage)
        api.post("/api/qr/decode", .staff, decodeImage)
        api.get("/api/checkins/roster", .only(.greeter)) { _, _ in .json(try await db.doorRoster()) }
        api.post("/api/walkins", .only(.greeter), walkIn)
        api.delete("/api/checkins/{id}", .only(.greeter), undo)
        api.patch("/api/checkins/{id}", .only(.greeter), correctPartySize)
        api.get("/api/checkins", .staff) { request, context in
            let (limit, _) = try RequestInput.paging(request)
            return .json(
                try await db.recentCheckIns(limit: limit).map { ArrivedGuest(checkin: $0.checkin, invitee: $0.invitee.seen(by: context.staff)) })
        }
        api.get("/api/checkins/status", .everyone) { _, _ in .json(try await db.arrivalStatus()) }
        api.get("/api/buses", .only(.greeter, .sales)) { _, _ in .json(try await db.buses()) }
        api.get("/api/checkins/failures", .only(.greeter)) { _, _ in .json(try await db.scanFailures(limit: 200).map(FailureView.init)) }
    }

    /// `invitee_id` instead of `code`: a guest found by name at the door, whose code the greeter does not see (issue 23).
    struct CheckInBody: Decodable {
        let code: String?; let inviteeId: Int64?; let door: String?; let nonce: String?; let partySize: Int?; let scannedAt: String?
    }

    /// Checks a scanned code in: 201 ok, 409 already here, 404 unknown, 410 revoked, 400 invalid.
    @Sendable func checkIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let body: CheckInBody
        do { body = try await request.decodeJSON(as: CheckInBody.self, context: context) } catch let e as APIError where e.status == .badRequest {
            return Self.answer(CheckInOutcome.invalid(e.message), for: staff)
        }
        let (scan, event) = try await scanInput(
            door: body.door, nonce: body.nonce, partySize: body.partySize, scannedAt: body.scannedAt, staff: staff)
        var scanned = body.code ?? ""
        if body.code == nil, let id = body.inviteeId {
            guard let code = try? await db.invitee(id: id).code else { return Self.answer(.unknown, for: staff) }
            scanned = code
        }
        return try await checkIn(scan, scanned: scanned, event: event, staff: staff)
    }

    /// A photo or camera frame of the guest's code: the laptop reads it and checks it in exactly as a typed scan.
    /// 422 `no_code` when no code can be read, 422 `several_codes` when two guests' codes are in one picture.
    @Sendable func checkInImage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let query = request.uri.queryParameters
        let partySize: Int?
        if let raw = query.get("party_size") {
            guard let n = Int(raw) else { throw Self.badPartySize }
            partySize = n
        } else {
            partySize = nil
        }
        let (scan, event) = try await scanInput(
            door: query.get("door"), nonce: query.get("nonce"), partySize: partySize,
            scannedAt: query.get("scanned_at"), staff: staff)
        let texts = try await ImageInput.decodedTexts(request, context: context)
        let codes = Set(texts.compactMap(CheckInCode.extract(from:)))
        guard !texts.isEmpty else {
            throw APIError(
                .unprocessableContent, "no_code",
                "照片里没有找到二维码：请对准邀请函上的二维码再拍 / "
                    + "No QR code could be read in the photo: aim at the card's code")
        }
        guard codes.count <= 1 else {
            throw APIError(
                .unprocessableContent, "several_codes",
                "照片里有 \(codes.count) 位来宾的二维码，请一次只拍一张 / \(codes.count) guests' codes in one photo: photograph one card at a time")
        }
        // One check-in code, or none among texts that are something else (then the usual `invalid` answer).
        let text = texts.first(where: { CheckInCode.extract(from: $0) != nil }) ?? texts[0]
        return try await checkIn(scan, scanned: text, event: event, staff: staff)
    }

    /// `POST /api/qr/decode`: every QR code in an image, for the pages' live camera and the inspection page.
    @Sendable func decodeImage(_ request: Request, context: AppRequestContext) async throws -> Response {
        .json(["texts": try await ImageInput.decodedTexts(request, context: context)])
    }

    /// One scan, with the event read once for it (by `scanInput`): the door's check, a bus, draw tickets.
    private func checkIn(_ scan: ScanInput, scanned: String, event: EventConfig?, staff: StaffSession) async throws -> Response {
        var scan = scan
        scan.scanned = scanned
        // A bus is a door too: scanning there is boarding, not arrival.
        if let buses = event?.buses, buses.contains(where: { $0.name == scan.door }) {
            return Self.answer(try await db.board(scan, bus: scan.door), for: staff)
        }
        let scanned = try await batcher.checkIn(scan)
        let outcome = scanned.outcome
        await publish(outcome, status: scanned.status)
        return try await answerAfterCheckIn(outcome, event: event, for: staff)
    }

    /// The door's answer to a check-in: a guest in a draw's pool gets a ticket number the greeter reads out (分发奖票), a
    /// walk-in's too (issue 24); with lunch tables, the party's table (issue 28).
    func answerAfterCheckIn(_ outcome: CheckInOutcome, event: EventConfig?, for staff: StaffSession?) async throws -> Response {
        guard case .ok(_, let invitee) = outcome else { return Self.answer(outcome, for: staff) }
        var tickets: [TicketView]?
        if event?.draws.contains(where: { $0.pool == "checked_in" }) == true {
            let issued = try await db.tickets(inviteeID: invitee.id)
            if !issued.isEmpty { tickets = issued }
        }
        // With lunch tables, where the party sits: "请到 3 号桌" on the green screen (issue 28).
        let table = event?.tables?.isEmpty == false ? NullableText(value: try await db.table(inviteeID: invitee.id)) : nil
        return Self.answer(outcome, tickets: tickets, table: table, for: staff)
    }

    static let badPartySize = APIError(.unprocessableContent, "invalid_party_size", "人数须为 1–20 / party_size must be 1 to 20")

    /// The checks every scan shares: door, nonce, party size and, for a scan that waited offline, when it was made.
    private func scanInput(
        door: String?, nonce: String?, partySize: Int?, scannedAt: String?, staff: StaffSession
    ) async throws -> (ScanInput, EventConfig?) {
        let at = try RequestInput.scannedAt(scannedAt, now: db.now())
        let event = try await db.event()
        let door = try validDoor(door, event: event, queued: at != nil)
        let nonce = try RequestInput.nonce(nonce)
        if let size = partySize, !(1...20).contains(size) { throw Self.badPartySize }
        let draws = event.map { $0.draws.filter { $0.pool == "checked_in" }.map(\.name) }
        return (
            ScanInput(scanned: "", door: door, nonce: nonce, partySize: partySize, staffID: staff.staffID, scannedAt: at, ticketDraws: draws),
            event
        )
    }

    struct WalkInBody: Decodable {
        let name: String?; let phone: String?; let door: String?; let nonce: String?
        let partySize: Int?; let plate: String?; let model: String?; let consultant: String?
    }

    /// Registers and checks in a guest who was not invited (409 if that phone is already checked in).
    @Sendable func walkIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let body = try await request.decodeJSON(as: WalkInBody.self, context: context)
        let event = try await db.event()
        let door = try validDoor(body.door, event: event)
        let nonce = try RequestInput.nonce(body.nonce)
        let draft: InviteeDraft
        switch InviteeImport.draft(
            name: body.name, phone: body.phone, plate: body.plate, vin: nil, model: body.model,
            consultant: body.consultant, partySize: body.partySize.map(String.init))
        {
        case .success(let d): draft = d
        case .failure(let f): throw APIError(.unprocessableContent, "invalid_walkin", f.message)
        }
        let outcome = try await db.walkIn(WalkInRequest(draft: draft, door: door, nonce: nonce), staffID: staff.staffID)
        await publish(outcome)
        return try await answerAfterCheckIn(outcome, event: event, for: staff)
    }

    struct Undone: Encodable { let undone: Bool; let invitee: InviteeView }

    /// Undoes a check-in: a greeter within 15 minutes of it, an admin any time. The undo is a new record.
    @Sendable func undo(_ request: Request, context: AppRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let id = try context.id()
        switch try await db.undoCheckIn(id: id, staffID: staff.staffID, maxAge: staff.role == .admin ? nil : Self.greeterUndoWindow) {
        case .undone(let checkin, let invitee):
            let status = try await db.arrivalStatus()
            await feed.publish("checkin_undone", PublicCheckIn(checkin: checkin, invitee: invitee, status: status))
            // Whose check-in it was, so the door can say so (issue 24).
            return .json(Undone(undone: true, invitee: invitee.seen(by: staff)))
        case .alreadyUndone:
            throw APIError(.conflict, "already_undone", "这条签到已撤销 / This check-in was already undone")
        case .tooLate:
            throw APIError(
                .forbidden, "undo_window_passed",
                "签到已超过 15 分钟，请管理员撤销 / "
                    + "More than 15 minutes have passed; ask an admin to undo it")
        }
    }

    struct PartySizeBody: Decodable { let partySize: Int? }

    /// How many came with the guest, corrected after the scan: within the undo window for a greeter, any time for an
    /// admin. 422 for a size outside 1–20, 409 for an undone check-in.
    @Sendable func correctPartySize(_ request: Request, context: AppRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let id = try context.id()
        let body = try await request.decodeJSON(as: PartySizeBody.self, context: context)
        guard let size = body.partySize, (1...20).contains(size) else { throw Self.badPartySize }
        let checkin = try await db.correctPartySize(
            checkinID: id, to: size, staffID: staff.staffID, maxAge: staff.role == .admin ? nil : Self.greeterUndoWindow)
        let status = try await db.arrivalStatus()
        await feed.publish("status", status)
        return .json(PartySizeAnswer(checkin: checkin, status: status))
    }

    struct PartySizeAnswer: Encodable { let checkin: CheckInView; let status: ArrivalStatus }

    // MARK: - Helpers

    /// The door a scan names. A scan that waited on a tablet (`queued`) keeps the door's name as it was then, even if
    /// the admin has renamed or removed that door since: the guest did come in there, and the scan must not be lost.
    func validDoor(_ door: String?, event: EventConfig?, queued: Bool = false) throws -> String {
        let doors = (event?.doors ?? []) + (event?.buses ?? []).map(\.name)
        guard let door = door?.trimmed, !door.isEmpty else {
            throw APIError(.badRequest, "invalid_door", "缺少门口名称 / door is missing; one of \(doors.joined(separator: ", "))")
        }
        if queued, !doors.contains(door), door.count <= 40 { return door }
        guard doors.contains(door) else {
            throw APIError(
                .unprocessableContent, "invalid_door", "没有这个门口：\(door.prefix(30)) / Unknown door; use one of \(doors.joined(separator: ", "))")
        }
        return door
    }

    /// What the live stream and other doors see of a check-in: the name masked.
    struct PublicCheckIn: Encodable, Sendable {
        let id: Int64, inviteeId: Int64, at: Date, door: String, partySize: Int, name: String, consultant: String?, walkIn: Bool
        let status: ArrivalStatus
        init(checkin: CheckInView, invitee: InviteeView, status: ArrivalStatus) {
            id = checkin.id; inviteeId = invitee.id; at = checkin.at; door = checkin.door; partySize = checkin.partySize
            name = NameMask.mask(invitee.name); consultant = invitee.consultant; walkIn = invitee.walkIn
            self.status = status
        }
    }

    /// Tells the screens of a check-in, with the counts read in its own transaction when the caller has them.
    func publish(_ outcome: CheckInOutcome, status known: ArrivalStatus? = nil) async {
        guard case .ok(let checkin, let invitee) = outcome else { return }
        var status = known
        if status == nil { status = try? await db.arrivalStatus() }
        guard let status else { return }
        await feed.publish("checkin", PublicCheckIn(checkin: checkin, invitee: invitee, status: status))
    }

    struct Answer: Encodable {
        let status: String
        var checkin: CheckInView? = nil
        var invitee: InviteeView? = nil
        var firstAt: Date? = nil
        var door: String? = nil
        var error: String? = nil
        var message: String? = nil
        var tickets: [TicketView]? = nil
        /// With lunch tables (issue 28): the party's table, or null with `table_full` when no table has room.
        var table: NullableText? = nil
        var tableFull: Bool? = nil
    }

    /// A text that is written as `null` rather than left out.
    struct NullableText: Encodable {
        let value: String?
        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            if let value { try c.encode(value) } else { try c.encodeNil() }
        }
    }

    /// The door's answer; the guest in it as the signed-in staff member may see them (`PersonalDataAccess`).
    static func answer(
        _ outcome: CheckInOutcome, tickets: [TicketView]? = nil, table: NullableText? = nil, for staff: StaffSession?
    ) -> Response {
        switch outcome.seen(by: staff) {
        case .ok(let c, let i):
            let full: Bool? = table.map { $0.value == nil ? true : nil } ?? nil
            return .json(Answer(status: "ok", checkin: c, invitee: i, tickets: tickets, table: table, tableFull: full), status: .created)
        case .alreadyCheckedIn(let first, let i):
            return .json(
                Answer(
                    status: "already_checked_in", invitee: i, firstAt: first.at, door: first.door, error: "already_checked_in",
                    message: "已于 \(first.door) 签到 / Already checked in at \(first.door)"), status: .conflict)
        case .unknown:
            return .json(Answer(status: "unknown", error: "unknown", message: "查无此码 / Unknown code"), status: .notFound)
        case .revoked(let i):
            return .json(
                Answer(
                    status: "revoked", invitee: i, error: "revoked",
                    message: "此邀请已取消 / "
                        + "This invitation was cancelled"), status: .gone)
        case .invalid(let why):
            return .json(Answer(status: "invalid", error: "invalid", message: why), status: .badRequest)
        }
    }

    struct BoardingAnswer: Encodable {
        let status: String
        let kind = "boarding"
        let bus: String
        let at: Date
        let invitee: InviteeView
        var error: String? = nil
        var message: String? = nil
    }

    static func answer(_ outcome: BoardingOutcome, for staff: StaffSession?) -> Response {
        switch outcome {
        case .boarded(let bus, let at, let i):
            return .json(BoardingAnswer(status: "ok", bus: bus, at: at, invitee: i.seen(by: staff)), status: .created)
        case .already(let bus, let at, let i):
            return .json(
                BoardingAnswer(
                    status: "already_boarded", bus: bus, at: at, invitee: i.seen(by: staff), error: "already_boarded",
                    message: "已在 \(bus) 上车 / Already on board \(bus)"), status: .conflict)
        case .unknown: return answer(CheckInOutcome.unknown, for: staff)
        case .revoked(let i): return answer(CheckInOutcome.revoked(i), for: staff)
        case .invalid(let why): return answer(CheckInOutcome.invalid(why), for: staff)
        }
    }

    struct FailureView: Encodable {
        let at: Date, door: String, reason: String, scanned: String
        init(_ r: ScanFailureRecord) { at = r.at; door = r.door; reason = r.reason; scanned = r.scanned }
    }
}

extension CheckInOutcome {
    /// The same outcome with its guest as `staff` may see them.
    func seen(by staff: StaffSession?) -> CheckInOutcome {
        switch self {
        case .ok(let c, let i): return .ok(c, i.seen(by: staff))
        case .alreadyCheckedIn(let first, let i): return .alreadyCheckedIn(first: first, invitee: i.seen(by: staff))
        case .revoked(let i): return .revoked(i.seen(by: staff))
        case .unknown, .invalid: return self
        }
    }
}
