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
        api.post("/api/walkins", .only(.greeter), walkIn)
        api.delete("/api/checkins/{id}", .only(.greeter), undo)
        api.get("/api/checkins", .staff) { request, _ in
            let (limit, _) = try RequestInput.paging(request)
            return .json(try await db.recentCheckIns(limit: limit))
        }
        api.get("/api/checkins/status", .everyone) { _, _ in .json(try await db.arrivalStatus()) }
        api.get("/api/checkins/failures", .only(.greeter)) { _, _ in .json(try await db.scanFailures(limit: 200).map(FailureView.init)) }
        api.post("/api/invitees/{id}/revoke", .admin) { _, context in .json(try await db.revokeInvitation(id: try context.id())) }
    }

    struct CheckInBody: Decodable { let code: String?; let door: String?; let nonce: String?; let partySize: Int? }

    /// Checks a scanned code in: 201 ok, 409 already here, 404 unknown, 410 revoked, 400 invalid.
    @Sendable func checkIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let body: CheckInBody
        do { body = try await request.decodeJSON(as: CheckInBody.self, context: context) } catch let e as APIError where e.status == .badRequest {
            return Self.answer(.invalid(e.message))
        }
        let door = try await validDoor(body.door)
        let nonce = try RequestInput.nonce(body.nonce)
        if let size = body.partySize, !(1...20).contains(size) {
            throw APIError(.unprocessableContent, "invalid_party_size", "人数须为 1–20 / party_size must be 1 to 20")
        }
        let outcome = try await batcher.checkIn(.init(scanned: body.code ?? "", door: door, nonce: nonce, partySize: body.partySize, staffID: staff.staffID))
        await publish(outcome)
        return Self.answer(outcome)
    }

    struct WalkInBody: Decodable {
        let name: String?; let phone: String?; let door: String?; let nonce: String?
        let partySize: Int?; let plate: String?; let model: String?; let consultant: String?
    }

    /// Registers and checks in a guest who was not invited (409 if that phone is already checked in).
    @Sendable func walkIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let body = try await request.decodeJSON(as: WalkInBody.self, context: context)
        let door = try await validDoor(body.door)
        let nonce = try RequestInput.nonce(body.nonce)
        let draft: InviteeDraft
        switch InviteeImport.draft(name: body.name, phone: body.phone, plate: body.plate, vin: nil, model: body.model,
                                   consultant: body.consultant, partySize: body.partySize.map(String.init)) {
        case .success(let d): draft = d
        case .failure(let f): throw APIError(.unprocessableContent, "invalid_walkin", f.message)
        }
        let outcome = try await db.walkIn(WalkInRequest(draft: draft, door: door, nonce: nonce), staffID: staff.staffID)
        await publish(outcome)
        return Self.answer(outcome)
    }

    /// Undoes a check-in: a greeter within 15 minutes of it, an admin any time. The undo is a new record.
    @Sendable func undo(_ request: Request, context: AppRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let id = try context.id()
        switch try await db.undoCheckIn(id: id, staffID: staff.staffID, maxAge: staff.role == .admin ? nil : Self.greeterUndoWindow) {
        case .undone(let checkin, let invitee):
            let status = try await db.arrivalStatus()
            await feed.publish("checkin_undone", PublicCheckIn(checkin: checkin, invitee: invitee, status: status))
            return .json(["undone": true])
        case .alreadyUndone:
            throw APIError(.conflict, "already_undone", "这条签到已撤销 / This check-in was already undone")
        case .tooLate:
            throw APIError(.forbidden, "undo_window_passed", "签到已超过 15 分钟，请管理员撤销 / More than 15 minutes have passed; ask an admin to undo it")
        }
    }

    // MARK: - Helpers

    func validDoor(_ door: String?) async throws -> String {
        let doors = try await db.event()?.doors ?? []
        guard let door = door?.trimmed, !door.isEmpty else {
            throw APIError(.badRequest, "invalid_door", "缺少门口名称 / door is missing; one of \(doors.joined(separator: ", "))")
        }
        guard doors.contains(door) else {
            throw APIError(.unprocessableContent, "invalid_door", "没有这个门口：\(door.prefix(30)) / Unknown door; use one of \(doors.joined(separator: ", "))")
        }
        return door
    }

    /// What the live stream and other doors see of a check-in: the name masked.
    struct PublicCheckIn: Encodable, Sendable {
        let id: Int64, at: Date, door: String, partySize: Int, name: String, consultant: String?, walkIn: Bool
        let status: ArrivalStatus
        init(checkin: CheckInView, invitee: InviteeView, status: ArrivalStatus) {
            id = checkin.id; at = checkin.at; door = checkin.door; partySize = checkin.partySize
            name = NameMask.mask(invitee.name); consultant = invitee.consultant; walkIn = invitee.walkIn
            self.status = status
        }
    }

    func publish(_ outcome: CheckInOutcome) async {
        guard case .ok(let checkin, let invitee) = outcome, let status = try? await db.arrivalStatus() else { return }
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
    }

    static func answer(_ outcome: CheckInOutcome) -> Response {
        switch outcome {
        case .ok(let c, let i):
            return .json(Answer(status: "ok", checkin: c, invitee: i), status: .created)
        case .alreadyCheckedIn(let first, let i):
            return .json(Answer(status: "already_checked_in", invitee: i, firstAt: first.at, door: first.door, error: "already_checked_in",
                                message: "已于 \(first.door) 签到 / Already checked in at \(first.door)"), status: .conflict)
        case .unknown:
            return .json(Answer(status: "unknown", error: "unknown", message: "查无此码 / Unknown code"), status: .notFound)
        case .revoked(let i):
            return .json(Answer(status: "revoked", invitee: i, error: "revoked", message: "此邀请已取消 / This invitation was cancelled"), status: .gone)
        case .invalid(let why):
            return .json(Answer(status: "invalid", error: "invalid", message: why), status: .badRequest)
        }
    }

    struct FailureView: Encodable {
        let at: Date, door: String, reason: String, scanned: String
        init(_ r: ScanFailureRecord) { at = r.at; door = r.door; reason = r.reason; scanned = r.scanned }
    }
}
