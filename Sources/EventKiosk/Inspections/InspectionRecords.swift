import Foundation
import GRDB

/// A defect's photo, one per item of an inspection.
struct InspectionPhotoRecord: Codable, FetchableRecord, MutablePersistableRecord, SnakeCaseColumns, Sendable {
    static let databaseTableName = "inspection_photo"
    enum Columns {
        static let inspectionId = Column("inspection_id")
        static let itemId = Column("item_id")
    }
    var id: Int64?
    var inspectionId: Int64
    var itemId: String
    var data: Data
    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// The call back within a week that every inspection brings (质量跟踪回访).
struct FollowUpRecord: Codable, FetchableRecord, MutablePersistableRecord, SnakeCaseColumns, Sendable {
    static let databaseTableName = "followup"
    enum Columns {
        static let id = Column("id")
        static let inspectionId = Column("inspection_id")
    }
    var id: Int64?
    var inspectionId: Int64
    var due: Date
    var attempts: Int = 0
    var outcome: String?
    var note: String?
    var lastAttemptAt: Date?
    var smsSentAt: Date?
    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One call (or the closing SMS) of a follow-up, with who made it.
struct FollowUpAttemptRecord: Codable, FetchableRecord, MutablePersistableRecord, SnakeCaseColumns, Sendable {
    static let databaseTableName = "followup_attempt"
    enum Columns {
        static let followupId = Column("followup_id")
    }
    var id: Int64?
    var followupId: Int64
    var outcome: String
    var note: String?
    var staff: String
    var at: Date
    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
