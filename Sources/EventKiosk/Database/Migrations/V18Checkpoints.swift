import GRDB

/// Issue 25: every checkpoint of the audit log the kiosk signs is kept.
enum V18Checkpoints {
    static let name = "v18 signed checkpoints"

    static func migrate(_ db: Database) throws {
        try db.create(table: "checkpoint") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("n", .integer).notNull().indexed()
            t.column("hash", .text).notNull()
            t.column("note", .text).notNull()
            t.column("at", .datetime).notNull()
            t.column("reason", .text).notNull()
        }
    }
}
