import Foundation
import GRDB

/// One check-in at a door. Undone check-ins keep their row; the undo is a `CheckInUndoRecord`.
struct CheckInRecord: Codable, FetchableRecord, MutablePersistableRecord, SnakeCaseColumns, Sendable {
    static let databaseTableName = "checkin"
    enum Columns {
        static let id = Column("id")
        static let inviteeId = Column("invitee_id")
        static let door = Column("door")
        static let partySize = Column("party_size")
        static let at = Column("at")
        static let nonce = Column("nonce")
        static let staffId = Column("staff_id")
        static let walkIn = Column("walk_in")
    }
    var id: Int64?
    var inviteeId: Int64
    var door: String
    var partySize: Int
    var at: Date
    var nonce: String
    var staffId: Int64?
    var walkIn: Bool

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Check-ins that have not been undone.
    static func active() -> QueryInterfaceRequest<CheckInRecord> {
        filter(sql: "id IN (SELECT id FROM active_checkin)")
    }
}

struct CheckInUndoRecord: Codable, FetchableRecord, PersistableRecord, SnakeCaseColumns, Sendable {
    static let databaseTableName = "checkin_undo"
    enum Columns {
        static let checkinId = Column("checkin_id")
        static let at = Column("at")
        static let staffId = Column("staff_id")
    }
    var checkinId: Int64
    var at: Date
    var staffId: Int64?
}

struct ScanFailureRecord: Codable, FetchableRecord, PersistableRecord, SnakeCaseColumns, Sendable {
    static let databaseTableName = "scan_failure"
    enum Columns {
        static let at = Column("at")
        static let door = Column("door")
        static let reason = Column("reason")
        static let scanned = Column("scanned")
        static let nonce = Column("nonce")
        static let inviteeId = Column("invitee_id")
        static let staffId = Column("staff_id")
    }
    var at: Date
    var door: String
    /// invalid, unknown, revoked, already_checked_in
    var reason: String
    /// What was scanned, cut to 200 characters.
    var scanned: String
    var nonce: String?
    var inviteeId: Int64?
    var staffId: Int64?
}

/// A check-in as the API shows it.
public struct CheckInView: Codable, Sendable, Equatable {
    public let id: Int64
    public let at: Date
    public let door: String
    public let partySize: Int
    init(_ r: CheckInRecord) { id = r.id ?? 0; at = r.at; door = r.door; partySize = r.partySize }
}

/// Arrivals so far, as the door pages and the MC screen show them.
public struct ArrivalStatus: Codable, Sendable, Equatable {
    public let invited: Int
    public let arrived: Int
    public let arrivedPeople: Int
    public let walkins: Int
    public let byDoor: [String: Int]
    public let peopleByDoor: [String: Int]
}

/// A guest who is here, as staff pages list them.
public struct ArrivedGuest: Codable, Sendable, Equatable {
    public let checkin: CheckInView
    public let invitee: InviteeView
}
