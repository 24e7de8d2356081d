import Foundation
import KioskFormats
import Hummingbird

/// Orders, voids, the live tally and the end-of-event rebate statement.
struct OrdersController {
    let db: AppDatabase
    let notifier: TallyNotifier

    func register(on api: APIRouter) {
        api.post("/api/orders", .only(.sales), create)
        api.post("/api/orders/{id}/void", .only(.sales), void)
        api.get("/api/orders", .staff) { _, context in .json(try await db.orders().map { $0.seen(by: context.staff) }) }
        api.get("/api/orders/latest", .everyone) { _, _ in .json(try await db.orders(limit: 20).filter { !$0.voided }.prefix(8).map(PublicOrder.init))
        }
        api.get("/api/orders/statement.csv", .admin, statement)
        api.get("/api/tally", .everyone) { _, _ in .json(try await currentTally()) }
    }

    func tiers() async throws -> RebateTiers {
        guard let event = try await db.event() else { throw APIError.notFound("尚未加载活动 / No event loaded") }
        return RebateTiers(event.tiers)
    }

    func currentTally() async throws -> Tally {
        try await tiers().tally(orders: try await db.validOrderCount())
    }

    struct CreateBody: Decodable {
        let inviteeId: Int64?
        let customer: Customer?
        let model: String?
        let consultant: String?
        let nonce: String?
        /// Why a guest who already has a valid order orders again (大客户).
        let reason: String?
        struct Customer: Decodable { let name: String?; let phone: String?; let plate: String? }
    }

    struct Created: Encodable { let order: OrderView; let tally: Tally }

    /// Records an order for an invitee (or a customer typed in) and answers with the new tally.
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let body = try await request.decodeJSON(as: CreateBody.self, context: context)
        guard let model = body.model?.trimmed, (1...40).contains(model.count) else {
            throw APIError(.unprocessableContent, "invalid_model", "请填写车型（1–40 字）/ model is required (1 to 40 characters)")
        }
        let event = try await db.event()
        if let models = event?.models, !models.isEmpty, !models.contains(model) {
            throw APIError(
                .unprocessableContent, "invalid_model",
                "车型「\(model.prefix(40))」不在本次活动的车型里：\(models.joined(separator: "、")) / "
                    + "model \"\(model.prefix(40))\" is not one of the event's models (\(models.joined(separator: ", ")))")
        }
        let consultant = String((body.consultant?.trimmed).flatMap { $0.isEmpty ? nil : $0 }?.prefix(30) ?? Substring(staff.name))
        let customer: OrderCustomer
        if let id = body.inviteeId {
            customer = .invitee(id)
        } else if let c = body.customer {
            switch InviteeImport.draft(name: c.name, phone: c.phone, plate: c.plate, vin: nil, model: model, consultant: consultant, partySize: nil) {
            case .success(let d): customer = .new(d)
            case .failure(let f): throw APIError(.unprocessableContent, "invalid_customer", f.message)
            }
        } else {
            throw APIError(.unprocessableContent, "missing_customer", "请选择来宾（invitee_id）或填写客户（customer）/ give invitee_id or customer")
        }
        let nonce = try body.nonce.map { try RequestInput.nonce($0) }
        let change = try await db.recordOrder(
            customer: customer, model: model, consultant: consultant, nonce: nonce,
            staff: staff, tiers: try await tiers(), reason: body.reason?.trimmedOrNil.map { String($0.prefix(200)) })
        await notifier.publish(change, kind: "order")
        context.logger.info("order", metadata: ["order": "\(change.order.id)", "orders": "\(change.tally.orders)"])
        return .json(Created(order: change.order.seen(by: staff), tally: change.tally), status: .created)
    }

    struct VoidBody: Decodable { let reason: String? }

    /// Voids an order with a reason: the count drops, and every screen follows.
    @Sendable func void(_ request: Request, context: AppRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let body = try await request.decodeJSON(as: VoidBody.self, context: context)
        guard let reason = body.reason?.trimmed, (1...200).contains(reason.count) else {
            throw APIError(.unprocessableContent, "missing_reason", "请填写作废原因 / a reason is required (1 to 200 characters)")
        }
        let change = try await db.voidOrder(id: try context.id(), reason: reason, staff: staff, tiers: try await tiers())
        await notifier.publish(change, kind: "order_void")
        return .json(Created(order: change.order.seen(by: staff), tally: change.tally))
    }

    /// Each order with the rebate it gets (the final tier's, for every valid order) and the total; Excel-ready.
    @Sendable func statement(_ request: Request, context: AppRequestContext) async throws -> Response {
        let orders = try await db.orders(newestFirst: false)
        let tally = try await currentTally()
        let time = ISO8601DateFormatter()
        time.timeZone = .current
        var rows = orders.map { o in
            [
                String(o.id), time.string(from: o.createdAt), o.name, o.phone, o.model, o.consultant,
                o.voided ? "作废 voided: \(o.voidReason ?? "")" : "有效 valid", o.voided ? "0" : String(tally.rebatePerOrder),
            ]
        }
        rows.append(["合计 total", "", "", "", "\(tally.orders) 台", "", "每台 ¥\(tally.rebatePerOrder)", String(tally.totalRebate)])
        // A change of the tiers after the first order is part of the statement: when, who, why, before and after.
        for change in try await db.tierChanges() {
            rows.append([
                "返利档位变更 tiers changed", time.string(from: change.at), change.by, "", "\(change.orders) 张订单时 at \(change.orders) orders", "",
                "原因 reason: \(change.reason)", "\(change.oldTiers) → \(change.newTiers)",
            ])
        }
        let data = CSVWriter.document(header: ["订单号", "时间", "客户", "手机", "车型", "销售顾问", "状态", "返利(元)"], rows: rows)
        return CSVWriter.response(data, filename: "rebate-statement.csv")
    }
}

/// Publishes order changes to the live feed in order: a tally older than one already sent is dropped,
/// so two orders committed at once can never leave the screen showing the smaller count.
actor TallyNotifier {
    let feed: LiveFeed
    private var lastVersion = -1

    init(feed: LiveFeed) { self.feed = feed }

    struct TierEvent: Encodable, Sendable { let tier: Int; let rebatePerOrder: Int; let orders: Int; let nextTier: Tally.NextTier? }
    struct OrderEvent: Encodable, Sendable { let order: PublicOrder; let voided: Bool; let tally: Tally }

    func publish(_ change: OrderChange, kind: String) async {
        await feed.publish(kind, OrderEvent(order: PublicOrder(change.order), voided: change.order.voided, tally: change.tally))
        if change.version > lastVersion {
            lastVersion = change.version
            await feed.publish("tally", change.tally)
        }
        if change.tierMove != 0 {
            let t = change.tally
            await feed.publish(
                change.tierMove > 0 ? "tier_up" : "tier_down",
                TierEvent(tier: t.tier, rebatePerOrder: t.rebatePerOrder, orders: t.orders, nextTier: t.nextTier))
        }
    }
}
