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

    /// Removals after the first spin, over the whole day, are at most this share of the stock the wheel held at
    /// its first spin (at least one): a missing prize is an incident, not a way to reshape the odds.
    public static let removalShare = 0.10

    /// The most stock that may be removed after the first spin, given the wheel's total stock then.
    public static func removalAllowance(stockAtFirstSpin: Int) -> Int { max(1, Int((Double(stockAtFirstSpin) * removalShare).rounded(.up))) }

    /// The rule that keeps the wheel from being steered through its stock (issue 23). Once a spin is made:
    /// - a prize's stock is lowered only with a reason (a prize that is physically missing), never silently;
    /// - removals over the day stay within `removalAllowance` of the stock at the first spin;
    /// - no edit leaves fewer than two prizes with stock left where two or more had some (one prize left would make the
    ///   next spins certain), so a remaining distribution of one prize cannot be reached by edits, only by spins.
    /// Additions (a new prize, more stock) are allowed: they are public at once on the wheel screen and the rules page.
    public static func stockProblems(
        old: EventConfig, new: EventConfig, won: [String: Int], spins: Int, reason: String?, removedSoFar: Int, stockAtFirstSpin: Int
    ) -> [EventProblem] {
        guard spins > 0 else { return [] }
        var problems: [EventProblem] = []
        let changes = stockChanges(old: old, new: new)
        let removed = changes.reduce(0) { $0 + max(0, $1.old - $1.new) }
        if removed > 0, reason == nil {
            let i = new.wheel.prizes.firstIndex { p in changes.contains { $0.prizeID == p.id && $0.new < $0.old } } ?? 0
            problems.append(
                EventProblem(
                    field: "wheel.prizes[\(i)].stock",
                    message: "已开始转盘，减少库存须写明原因（奖品缺失）/ "
                        + "the wheel has spun: stock is lowered only with a reason, a prize that is missing (stock_change_reason)"))
        }
        let allowance = removalAllowance(stockAtFirstSpin: stockAtFirstSpin)
        if removed > 0, removedSoFar + removed > allowance {
            problems.append(
                EventProblem(
                    field: "wheel.prizes",
                    message: "开转后全天最多减少 \(allowance) 件库存（首转时的 10%），已减少 \(removedSoFar) 件，本次 \(removed) 件 / "
                        + "after the first spin at most \(allowance) prizes (10% of the stock then) may be removed in the day; "
                        + "\(removedSoFar) were, this edit removes \(removed)"))
        }
        func inStock(_ e: EventConfig) -> Int { e.wheel.prizes.filter { $0.stock - (won[$0.id] ?? 0) > 0 }.count }
        let before = inStock(old), after = inStock(new)
        if before >= 2, after < 2 {
            problems.append(
                EventProblem(
                    field: "wheel.prizes",
                    message: "修改后只剩 \(after) 种奖品有库存，下一次转盘的结果就被定了；至少保留两种 / "
                        + "this edit would leave \(after) prize(s) with stock, which decides the next spins; keep at least two"))
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
        _ new: EventConfig, template: InspectionTemplate? = nil, staffID: Int64?, tiersChangeReason: String? = nil,
        stockChangeReason: String? = nil
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
            let removedSoFar =
                try Int.fetchOne(
                    db, sql: "SELECT COALESCE(SUM(old_stock - new_stock), 0) FROM stock_change WHERE after_spin > 0 AND new_stock < old_stock") ?? 0
            let addedSince = try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(new_stock - old_stock), 0) FROM stock_change WHERE after_spin > 0") ?? 0
            let stockAtFirstSpin = old.wheel.prizes.reduce(0) { $0 + $1.stock } - addedSince
            var problems = new.validate() + EventEditRules.problems(old: old, new: new, won: won, spins: spins)
            if problems.isEmpty {
                problems += EventEditRules.stockProblems(
                    old: old, new: new, won: won, spins: spins, reason: stockChangeReason, removedSoFar: removedSoFar,
                    stockAtFirstSpin: stockAtFirstSpin)
            }
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
                // A removal keeps its reason; an addition keeps one too when the admin gave it.
                var stored = StockChangeRecord(
                    prizeId: change.prizeID, oldStock: change.old, newStock: change.new, afterSpin: spins, at: now, staffId: staffID,
                    reason: stockChangeReason)
                try stored.insert(db)
                try AuditLog.append(
                    db, kind: "stock_change",
                    StockAudit(
                        prizeId: change.prizeID, oldStock: change.old, newStock: change.new,
                        afterSpin: spins, staffId: staffID, reason: stockChangeReason))
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
            try StockChangeRecord.order(StockChangeRecord.Columns.id).fetchAll(db).map(\.published)
        }
    }

    private struct StockAudit: Encodable {
        let prizeId: String; let oldStock: Int; let newStock: Int; let afterSpin: Int; let staffId: Int64?; let reason: String?
    }
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
