import Foundation
import GRDB

/// Draw tickets (分发奖票): a guest who enters a planned draw's pool (checks in, or orders for an orders pool) gets
/// that draw's next ticket number, shown at the door and on their own page, and on the draw screen when they win.
struct DrawTicketRecord: Codable, FetchableRecord, PersistableRecord, SnakeCaseColumns, Sendable {
    static let databaseTableName = "draw_ticket"
    enum Columns {
        static let draw = Column("draw")
        static let inviteeId = Column("invitee_id")
        static let number = Column("number")
        static let at = Column("at")
    }
    var draw: String
    var inviteeId: Int64
    var number: Int
    var at: Date
}

/// A ticket as the door, the guest and the draw screen show it.
public struct TicketView: Codable, Sendable, Equatable { public let draw: String; public let number: Int }

extension AppDatabase {
    /// Hands out a ticket for every planned draw whose pool (`checked_in` or `orders`) the guest has just entered;
    /// a guest keeps the first number they got. Inside the caller's transaction.
    /// `draws` names the pool's draws when the caller already knows them (a scan, from its event); else the event is read.
    static func issueTickets(_ db: Database, inviteeID: Int64, pool: String, draws known: [String]? = nil) throws {
        let draws = try known ?? (event(db)?.draws.filter { $0.pool == pool }.map(\.name) ?? [])
        for draw in draws {
            if try DrawTicketRecord.filter(DrawTicketRecord.Columns.draw == draw).filter(DrawTicketRecord.Columns.inviteeId == inviteeID).fetchCount(
                db) > 0
            {
                continue
            }
            let next = (try Int.fetchOne(db, sql: "SELECT MAX(number) FROM draw_ticket WHERE draw = ?", arguments: [draw]) ?? 0) + 1
            try DrawTicketRecord(draw: draw, inviteeId: inviteeID, number: next, at: Self.writeTime).insert(db)
        }
    }

    func tickets(inviteeID: Int64) async throws -> [TicketView] {
        try await read { db in
            try DrawTicketRecord.filter(DrawTicketRecord.Columns.inviteeId == inviteeID).order(DrawTicketRecord.Columns.draw).fetchAll(db).map {
                TicketView(draw: $0.draw, number: $0.number)
            }
        }
    }

    /// Ticket numbers of one draw, by invitee id (as the draw record names entrants).
    static func ticketNumbers(_ db: Database, draw: String) throws -> [String: Int] {
        Dictionary(
            try DrawTicketRecord.filter(DrawTicketRecord.Columns.draw == draw).fetchAll(db).map { (String($0.inviteeId), $0.number) },
            uniquingKeysWith: { a, _ in a })
    }
}
