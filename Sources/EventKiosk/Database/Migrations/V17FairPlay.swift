import GRDB

/// Issue 23: a second order for one guest keeps its reason, and a device that has signed a staff member in keeps a
/// token, so that person's sign-in from it is never paused by somebody else's guessing.
/// From this migration on, each migration has a file of its own (SwiftPackageIndex-Server's layout).
enum V17FairPlay {
    static let name = "v17 second orders and trusted devices"

    static func migrate(_ db: Database) throws {
        try db.alter(table: "sale_order") { t in t.add(column: "reason", .text) }
        try db.create(table: "trusted_device") { t in
            t.primaryKey("token_hash", .text)
            t.column("staff_id", .integer).notNull().references("staff").indexed()
            t.column("created_at", .datetime).notNull()
        }
    }
}
