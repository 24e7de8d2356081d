import GRDB

extension AppDatabase {
    /// The schema's history. A migration never changes once it has landed, and never uses app types.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()

        migrator.registerMigration("v1 foundation") { db in
            // Key/value settings: the loaded event file, generated secrets, one-time flags.
            try db.create(table: "setting") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            try db.create(table: "staff") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull()
                t.column("role", .text).notNull()
                t.column("pin_hash", .blob).notNull()
                t.column("pin_salt", .blob).notNull()
                t.column("builtin", .boolean).notNull().defaults(to: false)
                t.column("created_at", .datetime).notNull()
                t.column("removed_at", .datetime)
            }
            try db.create(table: "session") { t in
                t.primaryKey("token_hash", .text)
                t.column("staff_id", .integer).notNull().references("staff")
                t.column("created_at", .datetime).notNull()
                t.column("expires_at", .datetime).notNull()
            }
            try db.create(table: "invitee") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull()
                t.column("phone", .text).notNull().unique()
                t.column("plate", .text)
                t.column("vin", .text)
                t.column("model", .text)
                t.column("consultant", .text)
                t.column("party_size", .integer).notNull().defaults(to: 1)
                t.column("code", .text).notNull().unique()
                t.column("status", .text).notNull().defaults(to: "active")
                t.column("walk_in", .boolean).notNull().defaults(to: false)
                t.column("created_at", .datetime).notNull()
                t.column("updated_at", .datetime).notNull()
            }
            try db.create(index: "invitee_plate", on: "invitee", columns: ["plate"])
            try db.create(index: "invitee_name", on: "invitee", columns: ["name"])
        }
        return migrator
    }
}
