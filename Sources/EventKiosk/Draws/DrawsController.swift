import Foundation
import Hummingbird

/// The lucky wheel, the grand draw and the public rules page.
struct DrawsController {
    let db: AppDatabase
    let feed: LiveFeed
    let spins: SpinBatcher

    init(db: AppDatabase, feed: LiveFeed) {
        self.db = db; self.feed = feed; self.spins = SpinBatcher(db: db)
    }

    func register(on api: APIRouter) {
        api.get("/api/wheel", .everyone) { _, _ in .json(try await db.wheel()) }
        api.get("/api/wheel/record", .everyone) { _, _ in .json(try await wheelRecord()) }
        api.get("/api/wheel/spins", .staff) { _, _ in .json(try await db.spins()) }
        api.post("/api/wheel/spins", .only(.sales, .mc), spin)
        api.post("/api/wheel/grants", .only(.mc), grant)
        api.get("/api/wheel/grants", .everyone) { _, _ in .json(try await db.grants()) }
        api.get("/api/draws", .everyone) { _, _ in .json(try await db.draws()) }
        api.post("/api/draws", .only(.mc), createDraw)
        api.get("/api/draws/{id}", .everyone) { _, context in .json(try await db.draw(id: try context.id())) }
        api.post("/api/draws/{id}/freeze", .only(.mc)) { _, context in
            try await publishDraw(try await db.freezeDraw(id: try context.id()))
        }
        api.post("/api/draws/{id}/run", .only(.mc), runDraw)
        api.post("/api/draws/{id}/replace", .only(.mc), replace)
        api.get("/rules", .everyone) { _, _ in HTML.response(try await RulesPage.render(db: db)) }
    }

    func wheelRecord() async throws -> DrawVerifier.WheelRecord { try await db.wheelRecord() }

    struct SpinBody: Decodable { let orderId: Int64?; let grantId: Int64?; let nonce: String? }
    struct SpinAnswer: Encodable { let spin: SpinView }
    /// What the wheel screen shows of a spin: the prize, and the customer as they recognise themselves (masked name and
    /// the last four digits of their phone), not "订单 8".
    struct PublicSpin: Encodable, Sendable { let spin: SpinView; let wheel: WheelView; let guest: String? }

    /// One spin for an order (or a granted bonus spin): the server picks the prize; the page only animates it.
    @Sendable func spin(_ request: Request, context: AppRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let body = try await request.decodeJSON(as: SpinBody.self, context: context)
        let nonce = try RequestInput.nonce(body.nonce)
        let source: SpinSource
        switch (body.orderId, body.grantId) {
        case (let o?, nil): source = .order(o)
        case (nil, let g?): source = .grant(g)
        default: throw APIError(.unprocessableContent, "invalid_spin", "请给出 order_id 或 grant_id 之一 / give exactly one of order_id or grant_id")
        }
        let spin = try await spins.spin(source, nonce: nonce, staffID: staff.staffID)
        await feed.publish("spin", PublicSpin(spin: spin, wheel: try await db.wheel(), guest: try await db.spinGuest(spin)))
        return .json(SpinAnswer(spin: spin), status: .created)
    }

    struct GrantBody: Decodable { let inviteeId: Int64?; let reason: String? }

    @Sendable func grant(_ request: Request, context: AppRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let body = try await request.decodeJSON(as: GrantBody.self, context: context)
        guard let invitee = body.inviteeId else {
            throw APIError(
                .unprocessableContent, "missing_invitee",
                "缺少 invitee_id / "
                    + "invitee_id is required")
        }
        guard let reason = body.reason?.trimmedOrNil.map({ String($0.prefix(100)) }) else {
            throw APIError(
                .unprocessableContent, "missing_reason",
                "请写明奖励原因（如：夺宝令牌）/ a bonus spin needs a reason, for example the treasure token the guest won")
        }
        let id = try await db.grantSpin(inviteeID: invitee, reason: reason, staffID: staff.staffID)
        if let view = try await db.grants(id: id).first { await feed.publish("grant", view) }
        return .json(["grant": ["id": id]], status: .created)
    }

    struct CreateBody: Decodable { let name: String?; let pool: String?; let winners: Int?; let alternates: Int? }

    /// Creates one of the event file's draws (by name); counts and pool, when given, must be the event's.
    @Sendable func createDraw(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(as: CreateBody.self, context: context)
        guard let name = body.name?.trimmed, (1...60).contains(name.count) else {
            throw APIError(.unprocessableContent, "invalid_name", "请填写奖项名称 / name is required (1 to 60 characters)")
        }
        let draw = try await db.createDraw(name: name, pool: body.pool, winners: body.winners, alternates: body.alternates)
        await feed.publish("draw", draw)
        return .json(draw, status: .created)
    }

    struct RunBody: Decodable { let salt: String? }

    @Sendable func runDraw(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = (try? await request.decodeJSON(as: RunBody.self, context: context)) ?? RunBody(salt: nil)
        let salt = body.salt?.trimmed ?? ""
        guard salt.count <= 64 else { throw APIError(.unprocessableContent, "invalid_salt", "salt 最多 64 字 / salt is at most 64 characters") }
        return try await publishDraw(try await db.runDraw(id: try context.id(), salt: salt))
    }

    struct ReplaceBody: Decodable { let winner: String?; let reason: String? }

    @Sendable func replace(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(as: ReplaceBody.self, context: context)
        guard let winner = body.winner, let reason = body.reason?.trimmed, !reason.isEmpty else {
            throw APIError(.unprocessableContent, "invalid_replacement", "须给出 winner 与 reason / winner and reason are required")
        }
        return try await publishDraw(try await db.replaceWinner(drawID: try context.id(), winner: winner, reason: String(reason.prefix(200))))
    }

    func publishDraw(_ draw: DrawRecord) async throws -> Response {
        await feed.publish("draw", draw)
        return .json(draw)
    }
}
