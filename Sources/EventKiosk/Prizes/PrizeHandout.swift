import Foundation
import GRDB

/// A tick on the prize desk's list: this prize was handed to its winner, when and by whom.
struct PrizeHandoutRecord: Codable, FetchableRecord, PersistableRecord, SnakeCaseColumns, Sendable {
    static let databaseTableName = "prize_handout"
    /// "spin:12" (wheel spin number 12) or "draw:3:45" (draw 3, entrant 45).
    var key: String
    var at: Date
    var staffId: Int64?
    enum Columns {
        static let key = Column(CodingKeys.key)
    }
}

/// One prize won today, as the evening's hand-out list shows it: the prize, who won it (in full, for staff), their
/// consultant, and whether it has been handed over.
public struct HandoutItem: Codable, Sendable, Equatable {
    public let key: String
    public let kind: String
    public let prize: String
    public let guest: String
    public let phoneLast4: String
    public let consultant: String?
    public let wonAt: Date
    public var handedAt: Date?
    public var handedBy: String?
}

/// The prize desk's whole list, with its counts.
public struct HandoutList: Codable, Sendable, Equatable {
    public let items: [HandoutItem]
    public let handed: Int
    public let total: Int
}

extension AppDatabase {
    /// Every prize won today: wheel spins not given back by a void, and each draw's current winners (after
    /// replacements). Draw winners first, then spins in the order they were made.
    func prizeHandouts() async throws -> HandoutList {
        try await read { db in
            let items = try Self.handoutItems(db)
            return HandoutList(items: items, handed: items.filter { $0.handedAt != nil }.count, total: items.count)
        }
    }

    /// Ticks (or, with `handed: false`, unticks) one prize. Unknown keys are refused; a second tick keeps the first.
    func markHandout(key: String, handed: Bool, staffID: Int64?) async throws -> HandoutItem {
        try await write { db in
            guard try Self.handoutItems(db).contains(where: { $0.key == key }) else {
                throw DomainError.notFound("没有这个中奖记录 / No prize won with key \(key.prefix(40))")
            }
            let existing = try PrizeHandoutRecord.fetchOne(db, key: key)
            if handed, existing == nil {
                try PrizeHandoutRecord(key: key, at: Self.writeTime, staffId: staffID).insert(db)
            } else if !handed, existing != nil {
                _ = try PrizeHandoutRecord.deleteOne(db, key: key)
            }
            try AuditLog.append(db, kind: handed ? "prize_handed" : "prize_unhanded", ["key": key, "staff_id": staffID.map { "\($0)" } ?? ""])
            return try Self.handoutItems(db).first { $0.key == key }!
        }
    }

    /// The prizes with their ticks (when, and who ticked).
    static func handoutItems(_ db: Database) throws -> [HandoutItem] {
        let ticks = Dictionary(
            try Row.fetchAll(db, sql: "SELECT h.key, h.at, s.name FROM prize_handout h LEFT JOIN staff s ON s.id = h.staff_id")
                .map { ($0["key"] as String, ($0["at"] as Date, $0["name"] as String?)) }, uniquingKeysWith: { a, _ in a })
        var items = try drawPrizes(db) + spinPrizes(db)
        for n in items.indices {
            if let tick = ticks[items[n].key] { items[n].handedAt = tick.0; items[n].handedBy = tick.1 }
        }
        return items
    }

    static func spinPrizes(_ db: Database) throws -> [HandoutItem] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT s.number, s.prize_name, s.at, i.name, i.phone, i.consultant
                FROM spin s
                LEFT JOIN sale_order o ON o.id = s.order_id
                LEFT JOIN wheel_grant g ON g.id = s.grant_id
                JOIN invitee i ON i.id = COALESCE(o.invitee_id, g.invitee_id)
                WHERE s.number NOT IN (SELECT returned_spin FROM stock_change WHERE returned_spin IS NOT NULL)
                ORDER BY s.number
                """
        ).map { r in
            HandoutItem(
                key: "spin:\(r["number"] as Int)", kind: "spin", prize: r["prize_name"], guest: r["name"],
                phoneLast4: String((r["phone"] as String).suffix(4)), consultant: r["consultant"], wonAt: r["at"])
        }
    }

    static func drawPrizes(_ db: Database) throws -> [HandoutItem] {
        let prizes = Dictionary((try event(db)?.draws ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [HandoutItem] = []
        for id in try Int64.fetchAll(db, sql: "SELECT id FROM draw WHERE state = 'done' ORDER BY id") {
            let draw = try drawRecord(db, id)
            let at = try Date.fetchOne(db, sql: "SELECT created_at FROM draw WHERE id = ?", arguments: [id]) ?? Self.writeTime
            let replaced = Dictionary(draw.replacements.map { ($0.winner, $0.replacement) }, uniquingKeysWith: { a, _ in a })
            for original in draw.winners ?? [] {
                var winner = original
                while let next = replaced[winner] { winner = next }
                guard let inviteeID = Int64(winner), let invitee = try InviteeRecord.fetchOne(db, key: inviteeID) else { continue }
                out.append(
                    HandoutItem(
                        key: "draw:\(id):\(winner)", kind: "draw", prize: prizes[draw.name].map { "\(draw.name)（¥\($0.value)）" } ?? draw.name,
                        guest: invitee.name, phoneLast4: String(invitee.phone.suffix(4)), consultant: invitee.consultant, wonAt: at))
            }
        }
        return out
    }
}
