import Foundation
import GRDB

/// One call or message to an invited guest: when, by whom, and how it went.
struct ContactRecord: Codable, FetchableRecord, MutablePersistableRecord, SnakeCaseColumns, Sendable {
    static let databaseTableName = "contact"
    var id: Int64?
    var inviteeId: Int64
    var at: Date
    var staffId: Int64?
    var byName: String
    var outcome: String
    var note: String?

    /// Column names as stored (snake_case), not as the Swift properties are spelled.
    enum Columns {
        static let inviteeId = Column("invitee_id")
        static let id = Column("id")
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// Where a consultant works on the day (阵地): at the venue or in the showroom.
struct ConsultantPostRecord: Codable, FetchableRecord, PersistableRecord, SnakeCaseColumns, Sendable {
    static let databaseTableName = "consultant_post"
    enum Columns {
        static let name = Column("name")
        static let post = Column("post")
    }
    var name: String
    var post: String
}

/// A reminder round (SMS batch or call round) done, for one consultant's guests or for everyone (`*`).
struct ReminderDoneRecord: Codable, FetchableRecord, PersistableRecord, SnakeCaseColumns, Sendable {
    static let databaseTableName = "reminder_done"
    enum Columns {
        static let round = Column("round")
        static let consultant = Column("consultant")
        static let at = Column("at")
        static let byName = Column("by_name")
    }
    var round: Int
    var consultant: String
    var at: Date
    var byName: String
}

/// A contact as the API shows it.
public struct ContactView: Codable, Sendable, Equatable {
    public let id: Int64
    public let at: Date
    public let by: String
    public let outcome: String
    public let note: String?
    init(_ r: ContactRecord) { id = r.id ?? 0; at = r.at; by = r.byName; outcome = r.outcome; note = r.note }
}
