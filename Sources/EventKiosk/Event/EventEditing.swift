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
                problems.append(EventProblem(field: "wheel.prizes[\(i)].id",
                    message: "已转盘 \(spins) 次，奖品「\(prize.name)」不能删除或调换位置（可把库存改为已送出的数量）/ the wheel has spun \(spins) times: prize \"\(prize.id)\" cannot be removed or moved (set its stock to what was given out instead)"))
                break
            }
        }
        for (i, prize) in new.wheel.prizes.enumerated() {
            let given = won[prize.id] ?? 0
            if prize.stock < given {
                problems.append(EventProblem(field: "wheel.prizes[\(i)].stock",
                    message: "「\(prize.name)」已送出 \(given) 件，库存不能少于 \(given) / \(given) already given out, so the stock cannot be below \(given) (got \(prize.stock))"))
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

extension APIError {
    /// A refused edit: 422 with every problem naming its field, like a refused event file.
    static func invalidEvent(_ problems: [EventProblem]) -> APIError {
        APIError(.unprocessableContent, "invalid_event", "活动设置有 \(problems.count) 处问题，未保存 / \(problems.count) problem(s); nothing was saved",
                 extra: ["problems": .array(problems.map { .object(["field": .string($0.field), "message": .string($0.message)]) })])
    }
}

extension AppDatabase {
    /// Puts an admin's edit in force, all or nothing: a valid event, checked against the spins already made;
    /// each wheel stock change is kept (for the verifier) and audited.
    /// `template` is the form `new.inspectionTemplate` names when that changed; it is stored in the same transaction,
    /// and refused once an inspection has been saved with the current one.
    func updateEvent(_ new: EventConfig, template: InspectionTemplate? = nil, staffID: Int64?) async throws -> EventConfig {
        let templateJSON = try template.map { String(decoding: try JSON.encoder.encode($0), as: UTF8.self) }
        try await write { db in
            try Self.requireOpen(db)
            guard let old = try Self.event(db) else { throw APIError.notFound("尚未加载活动 / No event loaded") }
            let won = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT prize_id, COUNT(*) AS n FROM spin GROUP BY prize_id")
                .map { row -> (String, Int) in (row["prize_id"], row["n"]) })
            let spins = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM spin") ?? 0
            var problems = new.validate() + EventEditRules.problems(old: old, new: new, won: won, spins: spins)
            if templateJSON != nil, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inspection") ?? 0 > 0 {
                problems.append(EventProblem(field: "inspection_template",
                    message: "已有检测记录，检测表不能再换 / inspections have been saved with the current form, so it can no longer be changed"))
            }
            guard problems.isEmpty else { throw APIError.invalidEvent(problems) }
            if let templateJSON { try Self.setSetting(db, Self.templateKey, templateJSON) }
            let now = Date()
            for change in EventEditRules.stockChanges(old: old, new: new) {
                try db.execute(sql: "INSERT INTO stock_change(prize_id, old_stock, new_stock, after_spin, at, staff_id) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [change.prizeID, change.old, change.new, spins, now, staffID])
                try AuditLog.append(db, kind: "stock_change", StockAudit(prizeId: change.prizeID, oldStock: change.old, newStock: change.new,
                                                                          afterSpin: spins, staffId: staffID))
            }
            try Self.setSetting(db, Self.eventKey, String(decoding: try JSON.encoder.encode(new), as: UTF8.self))
            try Self.setSetting(db, Self.eventChangedKey, Self.stamp(now))
            try AuditLog.append(db, kind: "event_changed", EventAudit(name: new.name, date: new.date, staffId: staffID))
        }
        return new
    }

    /// Wheel stock changes in the order they were made (for the wheel record the verifier replays).
    func stockChanges() async throws -> [DrawVerifier.WheelRecord.StockChange] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT prize_id, old_stock, new_stock, after_spin FROM stock_change ORDER BY id").map {
                .init(afterSpin: $0["after_spin"], prize: $0["prize_id"], oldStock: $0["old_stock"], stock: $0["new_stock"])
            }
        }
    }

    private struct StockAudit: Encodable { let prizeId: String; let oldStock: Int; let newStock: Int; let afterSpin: Int; let staffId: Int64? }
    private struct EventAudit: Encodable { let name: String; let date: String; let staffId: Int64? }
}
