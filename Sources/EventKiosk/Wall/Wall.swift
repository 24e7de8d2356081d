import Foundation
import GRDB
import Hummingbird

/// The welcome wall (签到墙, issue 28): who has arrived, masked, for the big screen; public, so it holds nothing a
/// public page may not show. Live arrivals come from the public stream (`checkin`, `checkin_undone`).
public struct WallView: Codable, Sendable, Equatable {
    public struct Arrival: Codable, Sendable, Equatable {
        /// The check-in's id, so an undone check-in leaves the wall (an addition to the contract's fields).
        public let id: Int64
        public let name: String
        public let partySize: Int
        public let at: Date
        /// The lunch table, once tables are set (CONTRACT); null until then.
        public let table: String?
        enum CodingKeys: String, CodingKey { case id, name, partySize, at, table }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id); try c.encode(name, forKey: .name); try c.encode(partySize, forKey: .partySize)
            try c.encode(at, forKey: .at); try c.encode(table, forKey: .table)
        }
    }
    public let arrived: [Arrival]
    public let parties: Int
    public let people: Int
    public let expectedParties: Int
    public let expectedPeople: Int
}

extension AppDatabase {
    /// Everyone in now, newest first, with the day's counts against what was expected: the campaign's goal when the
    /// event sets one, else the invitations (cancelled ones and walk-ins left out).
    func wall(limit: Int = 5_000) async throws -> WallView {
        try await read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT c.id, c.party_size, c.at, i.name, s.table_name FROM checkin c JOIN invitee i ON i.id = c.invitee_id
                    LEFT JOIN seating s ON s.invitee_id = c.invitee_id
                    WHERE c.id NOT IN (SELECT checkin_id FROM checkin_undo) ORDER BY c.at DESC, c.id DESC LIMIT ?
                    """, arguments: [limit])
            let arrived = rows.map {
                WallView.Arrival(id: $0["id"], name: NameMask.mask($0["name"]), partySize: $0["party_size"], at: $0["at"], table: $0["table_name"])
            }
            // The day's counts as the door's counters keep them; the invitations' people for what was expected.
            let status = try Self.arrivalStatus(db)
            let invitedPeople =
                try Int.fetchOne(
                    db, sql: "SELECT COALESCE(SUM(party_size), 0) FROM invitee WHERE walk_in = 0 AND status = 'active'") ?? 0
            let goal = try Self.event(db)?.campaign
            return WallView(
                arrived: arrived, parties: status.arrived, people: status.arrivedPeople,
                expectedParties: goal?.parties ?? status.invited, expectedPeople: goal?.people ?? invitedPeople)
        }
    }
}

struct WallController {
    let db: AppDatabase

    func register(on api: APIRouter) {
        api.get("/api/wall", .everyone) { _, _ in .json(try await db.wall()) }
    }
}
