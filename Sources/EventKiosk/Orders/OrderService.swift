import Foundation
import GRDB

/// Who an order is for: a known invitee, or a customer typed in by the consultant.
enum OrderCustomer: Sendable {
    case invitee(Int64)
    case new(InviteeDraft)
}

/// The result of a change to the orders: the order, the tally after it, and how the tier moved.
struct OrderChange: Sendable {
    let order: OrderView
    let tally: Tally
    /// +1 tier up, -1 tier down, 0 the same.
    let tierMove: Int
    /// Rows in the order tables, a version that rises with every change (orders stale tallies out).
    let version: Int
}

extension AppDatabase {
    /// Records an order and returns the new tally. Idempotent per nonce when one is given.
    /// `consultant` must be an active sales staff member, or the signed-in one (issue 23: a made-up name, or the MC,
    /// raised the rebate for everyone); a second valid order for the same guest needs a `reason`.
    func recordOrder(
        customer: OrderCustomer, model: String, consultant: String, nonce: String?, staff: StaffSession,
        tiers: RebateTiers, reason: String? = nil
    ) async throws -> OrderChange {
        let staffID: Int64? = staff.staffID
        return try await write { db in
            if let nonce, let earlier = try OrderRecord.filter(OrderRecord.Columns.nonce == nonce).fetchOne(db) {
                let n = try OrderRecord.valid().fetchCount(db)
                return OrderChange(
                    order: try Self.orderView(db, earlier), tally: tiers.tally(orders: n), tierMove: 0, version: try Self.orderVersion(db))
            }
            try Self.requireOpen(db)
            if consultant != staff.name {
                let isSales = try StaffRecord.active().filter(StaffRecord.Columns.role == Role.sales.rawValue)
                    .filter(StaffRecord.Columns.name == consultant).fetchCount(db) > 0
                guard isSales else {
                    throw DomainError(
                        .invalid, "unknown_consultant",
                        "销售顾问「\(consultant)」不是在职的销售人员 / consultant \"\(consultant)\" is not an active sales staff member")
                }
            }
            let inviteeID: Int64
            switch customer {
            case .invitee(let id):
                guard let invitee = try InviteeRecord.fetchOne(db, key: id) else {
                    throw DomainError(.notFound, "unknown_invitee", "没有这位来宾 / No invitee with id \(id)")
                }
                guard invitee.status == "active" else {
                    throw DomainError(.conflict, "revoked", "此来宾的邀请已取消 / This guest's invitation was cancelled")
                }
                inviteeID = id
            case .new(let draft):
                inviteeID = try Self.findOrCreateWalkIn(db, draft).id!
            }
            let earlier = try OrderRecord.valid().filter(OrderRecord.Columns.inviteeId == inviteeID).fetchCount(db)
            if earlier > 0, reason == nil {
                throw DomainError(
                    .conflict, "second_order",
                    "这位客户已有 \(earlier) 张有效订单；再下一单须写明原因（如大客户）/ "
                        + "This customer already has \(earlier) valid order(s); another needs a reason (e.g. a fleet buyer)")
            }
            let before = try OrderRecord.valid().fetchCount(db)
            var order = OrderRecord(
                id: nil, inviteeId: inviteeID, model: model, consultant: consultant, createdAt: Self.writeTime,
                staffId: staffID, nonce: nonce, reason: earlier > 0 ? reason : nil)
            try order.insert(db)
            try Self.issueTickets(db, inviteeID: inviteeID, pool: "orders")
            try AuditLog.append(
                db, kind: "order",
                OrderAudit(
                    orderId: order.id!, inviteeId: inviteeID, model: model, consultant: consultant,
                    validOrders: before + 1, reason: order.reason))
            return OrderChange(
                order: try Self.orderView(db, order), tally: tiers.tally(orders: before + 1),
                tierMove: tiers.change(from: before, to: before + 1), version: try Self.orderVersion(db))
        }
    }

    /// Voids an order with a reason; the count drops and the void is a new record. An order that has spun the wheel
    /// may be voided by an admin only, and its prize goes back to stock: a stock change (+1 after the latest spin) that
    /// the wheel record carries and `verify-draw` replays, so order → spin → void cannot re-roll a friend's prize.
    func voidOrder(id: Int64, reason: String, staff: StaffSession?, tiers: RebateTiers) async throws -> OrderChange {
        defer { memo.forgetEvent() }
        return try await write { db in
            try Self.requireOpen(db)
            guard let order = try OrderRecord.fetchOne(db, key: id) else { throw DomainError.notFound("没有这个订单 / No order with id \(id)") }
            if try OrderVoidRecord.filter(OrderVoidRecord.Columns.orderId == id).fetchCount(db) > 0 {
                throw DomainError(.conflict, "already_voided", "此订单已作废 / This order was already voided")
            }
            // A consultant voids their own orders; another consultant's order takes the admin (issue 24: no approval).
            if let staff, staff.role != .admin, order.consultant != staff.name {
                throw DomainError(
                    .forbidden, "not_your_order",
                    "这是 \(order.consultant) 的订单，只能由本人或管理员作废 / This is \(order.consultant)'s order: "
                        + "only they or an admin may void it")
            }
            let spin = try Row.fetchOne(db, sql: "SELECT number, prize_id, prize_name FROM spin WHERE order_id = ?", arguments: [id])
            if spin != nil, staff?.role != .admin {
                throw DomainError(
                    .forbidden, "spun_order",
                    "此订单已转过大转盘，只有管理员可以作废（奖品退回库存）/ This order has spun the wheel: only an admin may void it (the prize goes back to stock)")
            }
            let before = try OrderRecord.valid().fetchCount(db)
            let now = Self.writeTime
            try OrderVoidRecord(orderId: id, reason: reason, at: now, staffId: staff?.staffID).insert(db)
            var returned: String?
            if let spin, var event = try Self.event(db), let i = event.wheel.prizes.firstIndex(where: { $0.id == (spin["prize_id"] as String) }) {
                let old = event.wheel.prizes[i].stock
                event.wheel.prizes[i].stock = old + 1
                let spins = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM spin") ?? 0
                var change = StockChangeRecord(
                    prizeId: event.wheel.prizes[i].id, oldStock: old, newStock: old + 1, afterSpin: spins, at: now, staffId: staff?.staffID,
                    reason: reason, returnedSpin: spin["number"] as Int)
                try change.insert(db)
                try Self.setSetting(db, Self.eventKey, String(decoding: try JSON.encoder.encode(event), as: UTF8.self))
                returned = event.wheel.prizes[i].id
            }
            try AuditLog.append(
                db, kind: "order_void",
                OrderVoidAudit(
                    orderId: id, reason: reason, validOrders: before - 1,
                    staffId: staff?.staffID, returnedPrize: returned,
                    returnedSpin: spin.map { $0["number"] as Int }))
            return OrderChange(
                order: try Self.orderView(db, order), tally: tiers.tally(orders: before - 1),
                tierMove: tiers.change(from: before, to: before - 1), version: try Self.orderVersion(db))
        }
    }

    struct OrderAudit: Encodable {
        let orderId: Int64; let inviteeId: Int64; let model: String; let consultant: String; let validOrders: Int; let reason: String?
    }
    struct OrderVoidAudit: Encodable {
        let orderId: Int64; let reason: String; let validOrders: Int; let staffId: Int64?; let returnedPrize: String?; let returnedSpin: Int?
    }

    func validOrderCount() async throws -> Int {
        try await read { db in try OrderRecord.valid().fetchCount(db) }
    }

    /// Every order (voided ones too), newest first, or only the latest `limit`.
    func orders(limit: Int? = nil, newestFirst: Bool = true) async throws -> [OrderView] {
        try await read { db in
            var request = OrderRecord.order(newestFirst ? OrderRecord.Columns.id.desc : OrderRecord.Columns.id.asc)
            if let limit { request = request.limit(limit) }
            return try request.fetchAll(db).map { try Self.orderView(db, $0) }
        }
    }

    static func orderVersion(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT (SELECT COUNT(*) FROM sale_order) + (SELECT COUNT(*) FROM order_void)") ?? 0
    }

    static func orderView(_ db: Database, _ o: OrderRecord) throws -> OrderView {
        let invitee = try InviteeRecord.fetchOne(db, key: o.inviteeId)
        let void = try OrderVoidRecord.filter(OrderVoidRecord.Columns.orderId == o.id).fetchOne(db)
        return OrderView(
            id: o.id!, inviteeId: o.inviteeId, name: invitee?.name ?? "", phone: invitee?.phone ?? "",
            model: o.model, consultant: o.consultant, createdAt: o.createdAt, voided: void != nil, voidReason: void?.reason,
            reason: o.reason, enteredBy: o.staffId)
    }
}
