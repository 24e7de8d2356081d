import Foundation
import GRDB

/// What an admin edit may change once the day has started: pure, so it is tested directly.
/// Spins are recomputed from the prizes in event-file order, so once the wheel has turned a prize can
/// neither move nor disappear, and no stock can fall below what has already been given out.
public enum EventEditRules {
    /// A wheel prize's stock moving from `old` to `new` (0 for a prize that did not exist).
    public struct StockChange: Equatable, Sendable { public let prizeID: String; public let old: Int; public let new: Int }

    public static func problems(old: EventConfig, new: EventConfig, won: [String: Int], spins: Int) -> [EventProblem] {
        var problems: [EventProblem] = []
        if spins > 0 {
            for (i, prize) in old.wheel.prizes.enumerated() where i >= new.wheel.prizes.count || new.wheel.prizes[i].id != prize.id {
                problems.append(
                    EventProblem(
                        field: "wheel.prizes[\(i)].id",
                        message:
                            "已转盘 \(spins) 次，奖品「\(prize.name)」不能删除或调换位置（可把库存改为已送出的数量）/ the wheel has spun \(spins) times: prize \"\(prize.id)\" cannot be removed or moved (set its stock to what was given out instead)"
                    ))
                break
            }
        }
        for (i, prize) in new.wheel.prizes.enumerated() {
            let given = won[prize.id] ?? 0
            if prize.stock < given {
                problems.append(
                    EventProblem(
                        field: "wheel.prizes[\(i)].stock",
                        message:
                            "「\(prize.name)」已送出 \(given) 件，库存不能少于 \(given) / "
                            + "\(given) already given out, so the stock cannot be below \(given) (got \(prize.stock))"
                    ))
            }
        }
        return problems
    }

    /// Every prize whose stock the edit changes, in the new event's order.
    public static func stockChanges(old: EventConfig, new: EventConfig) -> [StockChange] {
        let before = Dictionary(old.wheel.prizes.map { ($0.id, $0.stock) }, uniquingKeysWith: { a, _ in a })
        var changes = new.wheel.prizes.compactMap { p -> StockChange? in
            let was = before[p.id] ?? 0
            return was == p.stock ? nil : StockChange(prizeID: p.id, old: was, new: p.stock)
        }
        let kept = Set(new.wheel.prizes.map(\.id))
        changes += old.wheel.prizes.filter { !kept.contains($0.id) && $0.stock > 0 }.map { StockChange(prizeID: $0.id, old: $0.stock, new: 0) }
        return changes
    }
}

/// A change of the rebate tiers after the first order: when, who, why, and the tiers before and after (JSON).
struct TierChange: Sendable { let at: Date; let by: String; let reason: String; let orders: Int; let oldTiers: String; let newTiers: String }

extension DomainError {
    /// A refused edit: 422 with every problem naming its field, like a refused event file.
    static func invalidEvent(_ problems: [EventProblem]) -> DomainError {
        DomainError(
            .invalid, "invalid_event", "活动设置有 \(problems.count) 处问题，未保存 / \(problems.count) problem(s); nothing was saved",
            extra: ["problems": .array(problems.map { .object(["field": .string($0.field), "message": .string($0.message)]) })])
    }
}

extension AppDatabase {
    /// Puts an admin's edit in force, all or nothing: a valid event, checked against the spins already made;
    /// each wheel stock change is kept (for the verifier) and audited.
    /// `template` is the form `new.inspectionTemplate` names when that changed; it is stored in the same transaction,
    /// and refused once an inspection has been saved with the current one.
    /// Rebate tiers are a promise to every buyer: once the first order exists they change only with a reason
    /// (`tiersChangeReason`), which is kept, audited and printed on the rebate statement.
    func updateEvent(
        _ new: EventConfig, template: InspectionTemplate? = nil, staffID: Int64?, tiersChangeReason: String? = nil
    ) async throws -> EventConfig {
        defer { memo.forgetEvent() }
        let templateJSON = try template.map { String(decoding: try JSON.encoder.encode($0), as: UTF8.self) }
        try await write { db in
            try Self.requireOpen(db)
            guard let old = try Self.event(db) else { throw DomainError.notFound("尚未加载活动 / No event loaded") }
            let won = Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT prize_id, COUNT(*) AS n FROM spin GROUP BY prize_id")
                    .map { row -> (String, Int) in (row["prize_id"], row["n"]) })
            let spins = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM spin") ?? 0
            var problems = new.validate() + EventEditRules.problems(old: old, new: new, won: won, spins: spins)
            if templateJSON != nil, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inspection") ?? 0 > 0 {
                problems.append(
                    EventProblem(
                        field: "inspection_template",
                        message: "已有检测记录，检测表不能再换 / inspections have been saved with the current form, so it can no longer be changed"))
            }
            let orders = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sale_order") ?? 0
            if new.tiers != old.tiers, orders > 0, tiersChangeReason == nil {
                problems.append(
                    EventProblem(
                        field: "tiers",
                        message:
                            "已有 \(orders) 张订单，返利档位只能在填写原因后修改 / "
                            + "\(orders) order(s) exist: the rebate tiers change only with a reason (tiers_change_reason)"
                    ))
            }
            guard problems.isEmpty else { throw DomainError.invalidEvent(problems) }
            let now = Self.writeTime
            if new.tiers != old.tiers, orders > 0, let reason = tiersChangeReason {
                let enc = JSON.encoder
                var change = TierChangeRecord(
                    at: now, staffId: staffID, reason: reason, orders: orders, oldTiers: String(decoding: try enc.encode(old.tiers), as: UTF8.self),
                    newTiers: String(decoding: try enc.encode(new.tiers), as: UTF8.self))
                try change.insert(db)
                try AuditLog.append(
                    db, kind: "tiers_changed", TierAudit(reason: reason, orders: orders, before: old.tiers, after: new.tiers, staffId: staffID))
            }
            if let templateJSON { try Self.setSetting(db, Self.templateKey, templateJSON) }
            for change in EventEditRules.stockChanges(old: old, new: new) {
                var stored = StockChangeRecord(
                    prizeId: change.prizeID, oldStock: change.old, newStock: change.new, afterSpin: spins, at: now, staffId: staffID)
                try stored.insert(db)
                try AuditLog.append(
                    db, kind: "stock_change",
                    StockAudit(
                        prizeId: change.prizeID, oldStock: change.old, newStock: change.new,
                        afterSpin: spins, staffId: staffID))
            }
            try Self.setSetting(db, Self.eventKey, String(decoding: try JSON.encoder.encode(new), as: UTF8.self))
            try Self.setSetting(db, Self.eventChangedKey, Self.stamp(now))
            try AuditLog.append(
                db, kind: "event_changed",
                EventAudit(
                    name: new.name, date: new.date, staffId: staffID,
                    changes: try AuditDiff(before: old, after: new)))
        }
        return new
    }

    /// Wheel stock changes in the order they were made (for the wheel record the verifier replays).
    func stockChanges() async throws -> [DrawVerifier.WheelRecord.StockChange] {
        try await read { db in
            try StockChangeRecord.order(StockChangeRecord.Columns.id).fetchAll(db).map {
                .init(
                    afterSpin: $0.afterSpin, prize: $0.prizeId, oldStock: $0.oldStock, stock: $0.newStock, returnedSpin: $0.returnedSpin,
                    reason: $0.reason)
            }
        }
    }

    private struct StockAudit: Encodable { let prizeId: String; let oldStock: Int; let newStock: Int; let afterSpin: Int; let staffId: Int64? }
    private struct EventAudit: Encodable { let name: String; let date: String; let staffId: Int64?; let changes: AuditDiff }
    private struct TierAudit: Encodable {
        let reason: String; let orders: Int; let before: [EventConfig.Tier]; let after: [EventConfig.Tier]; let staffId: Int64?
    }

    /// Tier changes made after the first order, for the rebate statement.
    func tierChanges() async throws -> [TierChange] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT t.*, s.name AS staff FROM tier_change t LEFT JOIN staff s ON s.id = t.staff_id ORDER BY t.id").map {
                TierChange(
                    at: $0["at"], by: $0["staff"] ?? "", reason: $0["reason"], orders: $0["orders"], oldTiers: $0["old_tiers"],
                    newTiers: $0["new_tiers"])
            }
        }
    }
}
