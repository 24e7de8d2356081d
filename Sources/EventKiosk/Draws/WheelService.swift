import Foundation
import GRDB

/// What the wheel shows in public: the commitment, the prizes with stock left, and the seed once the event is closed.
public struct WheelView: Codable, Sendable {
    public let commitment: String
    public let prizes: [Prize]
    public let spins: Int
    public let seed: String?
    /// Valid orders that have not spun yet (an addition: the admin page warns when stock is short).
    public let unspunOrders: Int
    /// Every stock change made after the first spin (additions, removals with their reason, prizes a void handed back):
    /// the room sees at once how the odds moved (issue 23).
    public let stockChanges: [DrawVerifier.WheelRecord.StockChange]
    public struct Prize: Codable, Sendable {
        public let id: String; public let name: String; public let value: Int; public let stock: Int; public let remaining: Int
    }

    /// Keeps `seed: null` in the JSON until it is revealed.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(commitment, forKey: .commitment); try c.encode(prizes, forKey: .prizes); try c.encode(spins, forKey: .spins)
        try c.encode(seed, forKey: .seed); try c.encode(unspunOrders, forKey: .unspunOrders)
        try c.encode(stockChanges, forKey: .stockChanges)
    }
}

public struct SpinView: Codable, Sendable, Equatable {
    public let number: Int
    public let orderId: Int64?
    public let grantId: Int64?
    public let prize: PrizeRef
    public let at: Date
    public struct PrizeRef: Codable, Sendable, Equatable { public let id: String; public let name: String }
}

enum SpinSource: Sendable { case order(Int64), grant(Int64) }

/// Spins share commits the way door scans do (issue 8: 32 sales tablets spinning at once queued behind one
/// fsync each). Each spin still sees the stock the spins before it left, in its own savepoint.
struct SpinBatcher: Sendable {
    struct Request: Sendable { let source: SpinSource; let nonce: String; let staffID: Int64? }
    private let commit: GroupCommit<Request, SpinView>

    init(db: AppDatabase, maxBatch: Int = 64) {
        let vault = db.vault
        commit = GroupCommit(db: db, maxBatch: maxBatch) { db, r in
            try AppDatabase.spin(db, r.source, nonce: r.nonce, staffID: r.staffID, vault: vault)
        }
    }

    func spin(_ source: SpinSource, nonce: String, staffID: Int64?) async throws -> SpinView {
        try await commit.run(Request(source: source, nonce: nonce, staffID: staffID))
    }
}

extension AppDatabase {
    /// Remaining stock of each prize, in event-file order.
    static func remainingStock(_ db: Database, prizes: [EventConfig.Prize]) throws -> [Int] {
        let won = Dictionary(
            uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT prize_id, COUNT(*) AS n FROM spin GROUP BY prize_id")
                .map { row -> (String, Int) in (row["prize_id"], row["n"]) })
        return prizes.map { max(0, $0.stock - (won[$0.id] ?? 0)) }
    }

    func wheel() async throws -> WheelView {
        try await read { db in
            guard let event = try Self.event(db) else { throw DomainError.notFound("尚未加载活动 / No event loaded") }
            let remaining = try Self.remainingStock(db, prizes: event.wheel.prizes)
            let spins = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM spin") ?? 0
            let unspun =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM valid_order
                        WHERE id NOT IN (SELECT order_id FROM spin WHERE order_id IS NOT NULL)
                        """) ?? 0
            let changes = try StockChangeRecord.filter(StockChangeRecord.Columns.afterSpin > 0).order(StockChangeRecord.Columns.id).fetchAll(db)
            return WheelView(
                commitment: try Self.wheelCommitment(db),
                prizes: zip(event.wheel.prizes, remaining).map { .init(id: $0.id, name: $0.name, value: $0.value, stock: $0.stock, remaining: $1) },
                spins: spins, seed: try Self.revealedWheelSeed(db), unspunOrders: unspun, stockChanges: changes.map(\.published))
        }
    }

    /// One spin for a valid order or an MC grant: decided here, from the committed seed and the stock left.
    /// Idempotent per nonce; an order or grant spins once; the stock can never go below zero.
    func spin(_ source: SpinSource, nonce: String, staffID: Int64?) async throws -> SpinView {
        try await write { [vault] db in try Self.spin(db, source, nonce: nonce, staffID: staffID, vault: vault) }
    }

    /// One spin inside a write transaction (alone, or as one of a group commit's spins: `SpinBatcher`).
    static func spin(_ db: Database, _ source: SpinSource, nonce: String, staffID: Int64?, vault: SeedVault) throws -> SpinView {
        if let earlier = try SpinRecord.filter(SpinRecord.Columns.nonce == nonce).fetchOne(db) {
            // The same request again gets the same answer; the nonce of another order's spin is not that order's spin.
            let same: Bool
            switch source {
            case .order(let id): same = earlier.orderId == id
            case .grant(let id): same = earlier.grantId == id
            }
            guard same else {
                throw DomainError(
                    .conflict, "nonce_reused",
                    "这个 nonce 已用于另一次转盘 / This nonce belongs to another spin (spin \(earlier.number)); send a new one")
            }
            return Self.spinView(earlier)
        }
        try Self.requireOpen(db)
        guard let event = try Self.event(db) else { throw DomainError.notFound("尚未加载活动 / No event loaded") }
        var orderID: Int64?, grantID: Int64?
        switch source {
        case .order(let id):
            guard try OrderRecord.fetchOne(db, key: id) != nil else { throw DomainError.notFound("没有这个订单 / No order with id \(id)") }
            if try OrderVoidRecord.filter(OrderVoidRecord.Columns.orderId == id).fetchCount(db) > 0 {
                throw DomainError(.conflict, "order_voided", "此订单已作废，不能转盘 / This order was voided: no spin")
            }
            if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM spin WHERE order_id = ?", arguments: [id])! > 0 {
                throw DomainError(.conflict, "already_spun", "此订单已转过 / This order has already spun the wheel")
            }
            orderID = id
        case .grant(let id):
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM wheel_grant WHERE id = ?", arguments: [id])! > 0 else {
                throw DomainError.notFound("没有这次奖励转盘 / No bonus spin with id \(id)")
            }
            if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM spin WHERE grant_id = ?", arguments: [id])! > 0 {
                throw DomainError(.conflict, "already_spun", "这次奖励已转过 / This bonus spin has been used")
            }
            grantID = id
        }
        let remaining = try Self.remainingStock(db, prizes: event.wheel.prizes)
        let number = (try Int.fetchOne(db, sql: "SELECT MAX(number) FROM spin") ?? 0) + 1
        guard let index = FairDraw.spin(number: number, remaining: remaining, seed: try Self.wheelSeed(db, vault: vault)) else {
            throw DomainError(.conflict, "no_stock", "奖品已全部送出 / No prizes left in stock")
        }
        let prize = event.wheel.prizes[index]
        let now = Self.writeTime
        try SpinRecord(
            number: number, orderId: orderID, grantId: grantID, prizeId: prize.id, prizeName: prize.name, nonce: nonce, at: now, staffId: staffID
        ).insert(db)
        try AuditLog.append(
            db, kind: "spin",
            SpinAudit(
                number: number, orderId: orderID, grantId: grantID, prizeId: prize.id,
                remainingBefore: remaining))
        return SpinView(number: number, orderId: orderID, grantId: grantID, prize: .init(id: prize.id, name: prize.name), at: now)
    }

    struct SpinAudit: Encodable { let number: Int; let orderId: Int64?; let grantId: Int64?; let prizeId: String; let remainingBefore: [Int] }

    static func spinView(_ r: SpinRecord) -> SpinView {
        SpinView(number: r.number, orderId: r.orderId, grantId: r.grantId, prize: .init(id: r.prizeId, name: r.prizeName), at: r.at)
    }

    func spins() async throws -> [SpinView] {
        try await read { db in try SpinRecord.order(SpinRecord.Columns.number).fetchAll(db).map(Self.spinView) }
    }

    /// A bonus spin the MC grants (e.g. for a 夺宝令牌), within the event's limits: per guest (default 1) and for
    /// the day. Who gave it and why is kept, and shown on the wheel screen.
    func grantSpin(inviteeID: Int64, reason: String, staffID: Int64?) async throws -> Int64 {
        try await write { db in
            try Self.requireOpen(db)
            guard try InviteeRecord.fetchOne(db, key: inviteeID) != nil else {
                throw DomainError.notFound("没有这位来宾 / No invitee with id \(inviteeID)")
            }
            guard try CheckInRecord.active().filter(CheckInRecord.Columns.inviteeId == inviteeID).fetchCount(db) > 0 else {
                throw DomainError(
                    .conflict, "not_checked_in",
                    "这位来宾还没有签到，不能获得奖励转盘 / This guest has not checked in: bonus spins go to guests in the room")
            }
            guard let event = try Self.event(db) else { throw DomainError.notFound("尚未加载活动 / No event loaded") }
            let mine = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM wheel_grant WHERE invitee_id = ?", arguments: [inviteeID]) ?? 0
            if mine >= event.wheel.perGuestLimit {
                throw DomainError(
                    .conflict, "grant_limit",
                    "这位来宾已获得 \(mine) 次奖励转盘，活动规定每人最多 \(event.wheel.perGuestLimit) 次 / "
                        + "This guest already has \(mine) bonus spin(s); the event allows \(event.wheel.perGuestLimit) per guest"
                )
            }
            if let total = event.wheel.bonusSpins, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM wheel_grant") ?? 0 >= total {
                throw DomainError(
                    .conflict, "grant_limit",
                    "今天的 \(total) 次奖励转盘已全部发出 / "
                        + "All \(total) bonus spins of the day have been granted")
            }
            var grant = WheelGrantRecord(inviteeId: inviteeID, reason: reason, at: Self.writeTime, staffId: staffID)
            try grant.insert(db)
            let id = grant.id!
            try AuditLog.append(
                db, kind: "grant",
                [
                    "grant_id": "\(id)", "invitee_id": "\(inviteeID)", "reason": reason,
                    "staff_id": staffID.map { "\($0)" } ?? "",
                ])
            return id
        }
    }

    /// The customer a spin was for, masked, with the last four digits of their phone.
    func spinGuest(_ spin: SpinView) async throws -> String? {
        try await read { db in
            let id: Int64?
            if let order = spin.orderId {
                id = try Int64.fetchOne(db, sql: "SELECT invitee_id FROM sale_order WHERE id = ?", arguments: [order])
            } else if let grant = spin.grantId {
                id = try Int64.fetchOne(db, sql: "SELECT invitee_id FROM wheel_grant WHERE id = ?", arguments: [grant])
            } else {
                id = nil
            }
            guard let id, let invitee = try InviteeRecord.fetchOne(db, key: id) else { return nil }
            return "\(NameMask.mask(invitee.name)) · 尾号\(invitee.phone.suffix(4))"
        }
    }

    /// Every bonus spin granted, for the wheel screen: the guest (masked), why, who gave it, and whether it has spun.
    func grants(id: Int64? = nil) async throws -> [GrantView] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT g.id, g.reason, g.at, i.name AS guest, i.phone AS phone, s.name AS staff,
                           (SELECT prize_name FROM spin WHERE spin.grant_id = g.id) AS prize
                    FROM wheel_grant g JOIN invitee i ON i.id = g.invitee_id LEFT JOIN staff s ON s.id = g.staff_id
                    WHERE ? IS NULL OR g.id = ? ORDER BY g.id
                    """, arguments: [id, id]
            ).map { r in
                GrantView(
                    id: r["id"], guest: NameMask.mask(r["guest"]), phoneLast4: String((r["phone"] as String).suffix(4)),
                    reason: r["reason"], grantedBy: r["staff"] ?? "", at: r["at"], prize: r["prize"])
            }
        }
    }
}

/// A bonus spin as the wheel screen shows it.
public struct GrantView: Codable, Sendable, Equatable {
    public let id: Int64
    public let guest: String
    public let phoneLast4: String
    public let reason: String
    public let grantedBy: String
    public let at: Date
    /// The prize once the bonus spin has been used.
    public let prize: String?
}
