import GRDB

/// Issue 25: the workshop's paperwork on each inspection (the customer's consent to the manufacturer's call, the gift
/// and the window sticker) and the SHA-256 of its stored content, which its audit entry carries.
enum V19WorkshopPaperwork {
    static let name = "v19 workshop paperwork"

    static func migrate(_ db: Database) throws {
        try db.alter(table: "inspection") { t in
            t.add(column: "consent_hq_call", .boolean).notNull().defaults(to: false)
            t.add(column: "gift", .boolean).notNull().defaults(to: false)
            t.add(column: "sticker", .boolean).notNull().defaults(to: false)
            t.add(column: "content_sha256", .text)
        }
    }
}
