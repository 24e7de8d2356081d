import GRDB

/// Issue 25: checkpoints and packs wait here for the manufacturer's service until it can be reached. The day's log
/// gets an id of its own (`log_id`), which every copy and backup of it shares, so the checkpoints kept beside the key
/// can be told apart from another day's.
enum V20HQOutbox {
    static let name = "v20 hq outbox"

    static func migrate(_ db: Database) throws {
        try db.create(table: "hq_outbox") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("kind", .text).notNull()  // checkpoint | pack
            t.column("body", .blob).notNull()
            t.column("n", .integer).notNull()  // the checkpoint's n, or the pack's audit count
            t.column("made_at", .datetime).notNull()
            t.column("state", .text).notNull().indexed()  // waiting | sent | refused | superseded
            t.column("attempts", .integer).notNull().defaults(to: 0)
            t.column("last_attempt_at", .datetime)
            t.column("last_status", .integer)
            t.column("last_answer", .text)
            t.column("sent_at", .datetime)
        }
        try db.execute(sql: "INSERT OR IGNORE INTO setting (key, value) VALUES ('log_id', lower(hex(randomblob(16))))")
    }
}
