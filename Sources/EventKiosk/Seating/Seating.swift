import Foundation
import GRDB

/// The lunch tables (issue 28): at check-in a party gets a table with room for all of it, near the consultant's other
/// guests where there is room, in the check-in's own transaction; an undo frees the seats; a new party size re-checks.
public enum Seating {
    /// A table as the choice sees it: its seats, how many are taken, and whose guests sit there.
    public struct Load: Equatable, Sendable {
        public let name: String
        public let seats: Int
        public var taken: Int
        public var byConsultant: [String: Int]
        public var free: Int { seats - taken }
    }

    /// The table for a party of `party`: among those with room, the one with most of the consultant's guests; then the
    /// first in the event's order (tables fill one after another, as a host seats a room). Nil when none has room.
    public static func choose(_ tables: [Load], party: Int, consultant: String?) -> String? {
        let fitting = tables.enumerated().filter { $0.element.free >= party }
        let mine = { (t: Load) in consultant.flatMap { t.byConsultant[$0] } ?? 0 }
        return fitting.min { a, b in
            mine(a.element) != mine(b.element) ? mine(a.element) > mine(b.element) : a.offset < b.offset
        }?.element.name
    }
}

/// A table as `GET /api/tables` lists it.
public struct TableView: Codable, Sendable, Equatable {
    public struct Party: Codable, Sendable, Equatable { public let inviteeId: Int64; public let partySize: Int }
    public let name: String
    public let seats: Int
    public let taken: Int
    public let parties: [Party]
}

extension AppDatabase {
    /// The tables now, with their parties (empty when the event has no tables).
    static func tableLoads(_ db: Database) throws -> [Seating.Load] {
        guard let tables = try event(db)?.tables, !tables.isEmpty else { return [] }
        let rows = try Row.fetchAll(
            db, sql: "SELECT s.table_name, s.party_size, i.consultant FROM seating s JOIN invitee i ON i.id = s.invitee_id")
        return tables.map { t in
            let here = rows.filter { ($0["table_name"] as String) == t.name }
            var by: [String: Int] = [:]
            for r in here { if let c = r["consultant"] as String?, !c.isEmpty { by[c, default: 0] += 1 } }
            return Seating.Load(name: t.name, seats: t.seats, taken: here.reduce(0) { $0 + ($1["party_size"] as Int) }, byConsultant: by)
        }
    }

    /// Seats a checked-in party (again, after a new party size): its own table when it still has room for it, else the
    /// choice; nil when no table has room (the door says so and the admin sees the party listed). Inside the caller's
    /// write transaction.
    @discardableResult
    static func seat(_ db: Database, inviteeID: Int64, party: Int, consultant: String?) throws -> String? {
        var loads = try tableLoads(db)
        guard !loads.isEmpty else { return nil }
        let current = try Row.fetchOne(db, sql: "SELECT table_name, party_size FROM seating WHERE invitee_id = ?", arguments: [inviteeID])
        if let current, let i = loads.firstIndex(where: { $0.name == (current["table_name"] as String) }) {
            loads[i].taken -= current["party_size"] as Int
            if let c = consultant { loads[i].byConsultant[c, default: 1] -= 1 }
            if loads[i].free >= party {
                try db.execute(sql: "UPDATE seating SET party_size = ? WHERE invitee_id = ?", arguments: [party, inviteeID])
                return loads[i].name
            }
        }
        try db.execute(sql: "DELETE FROM seating WHERE invitee_id = ?", arguments: [inviteeID])
        guard let table = Seating.choose(loads, party: party, consultant: consultant) else { return nil }
        try db.execute(sql: "INSERT INTO seating (invitee_id, table_name, party_size) VALUES (?, ?, ?)", arguments: [inviteeID, table, party])
        return table
    }

    static func unseat(_ db: Database, inviteeID: Int64) throws {
        try db.execute(sql: "DELETE FROM seating WHERE invitee_id = ?", arguments: [inviteeID])
    }

    static func table(_ db: Database, inviteeID: Int64) throws -> String? {
        try String.fetchOne(db, sql: "SELECT table_name FROM seating WHERE invitee_id = ?", arguments: [inviteeID])
    }

    /// The guest's table, for the door's answer and the guest's page.
    func table(inviteeID: Int64) async throws -> String? { try await read { db in try Self.table(db, inviteeID: inviteeID) } }

    func tables() async throws -> [TableView] {
        try await read { db in
            let parties = try Row.fetchAll(db, sql: "SELECT invitee_id, table_name, party_size FROM seating ORDER BY rowid")
            return try Self.tableLoads(db).map { t in
                TableView(
                    name: t.name, seats: t.seats, taken: t.taken,
                    parties: parties.filter { ($0["table_name"] as String) == t.name }.map {
                        .init(inviteeId: $0["invitee_id"], partySize: $0["party_size"])
                    })
            }
        }
    }

    /// The admin moves a checked-in party to another table: `409 table_full` when it does not fit there.
    func moveParty(inviteeID: Int64, to table: String, staffID: Int64?) async throws -> [TableView] {
        try await write { db in
            try Self.requireOpen(db)
            guard let party = try Int.fetchOne(db, sql: "SELECT party_size FROM active_checkin WHERE invitee_id = ?", arguments: [inviteeID]) else {
                throw DomainError(.conflict, "not_checked_in", "这位来宾还没有签到 / This guest has not checked in")
            }
            let loads = try Self.tableLoads(db)
            guard let target = loads.first(where: { $0.name == table }) else {
                throw DomainError.notFound("没有「\(table.prefix(30))」这张桌 / No table \(table.prefix(30))")
            }
            let current = try Self.table(db, inviteeID: inviteeID)
            if current == table { return }
            guard target.free >= party else {
                throw DomainError(
                    .conflict, "table_full",
                    "\(table) 只剩 \(target.free) 个座位，坐不下 \(party) 位 / \(table) has \(target.free) free seats, not \(party)")
            }
            try db.execute(
                sql: "INSERT INTO seating (invitee_id, table_name, party_size) VALUES (?, ?, ?) "
                    + "ON CONFLICT(invitee_id) DO UPDATE SET table_name = excluded.table_name, party_size = excluded.party_size",
                arguments: [inviteeID, table, party])
            try AuditLog.append(
                db, kind: "table_moved",
                ["invitee_id": "\(inviteeID)", "from": current ?? "", "to": table, "staff_id": staffID.map { "\($0)" } ?? ""])
        }
        return try await tables()
    }
}

struct SeatingController {
    let db: AppDatabase

    struct Move: Decodable { let table: String? }
    struct Tables: Encodable { let tables: [TableView] }

    func register(on api: APIRouter) {
        api.get("/api/tables", .staff) { _, _ in .json(Tables(tables: try await db.tables())) }
        api.put("/api/tables/assignments/{invitee_id}", .admin) { request, context in
            guard let id = context.parameters.get("invitee_id").flatMap({ Int64($0) }) else {
                throw APIError(.badRequest, "invalid_id", "来宾编号须为数字 / invitee_id must be a number")
            }
            let body = try await request.decodeJSON(as: Move.self, context: context)
            guard let table = body.table?.trimmedOrNil else {
                throw APIError(.unprocessableContent, "missing_table", "请选择桌子 / table is required")
            }
            return .json(Tables(tables: try await db.moveParty(inviteeID: id, to: table, staffID: context.staff?.staffID)))
        }
    }
}
