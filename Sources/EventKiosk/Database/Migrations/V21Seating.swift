import GRDB

/// Issue 28: the lunch tables. One row per seated party, written in the check-in's own transaction, so two doors
/// checking in at once can never put more people at a table than it seats.
enum V21Seating {
    static let name = "v21 seating"

    static func migrate(_ db: Database) throws {
        try db.create(table: "seating") { t in
            t.primaryKey("invitee_id", .integer).references("invitee", onDelete: .cascade)
            t.column("table_name", .text).notNull().indexed()
            t.column("party_size", .integer).notNull()
        }
    }
}
