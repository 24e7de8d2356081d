import Foundation
import GRDB

/// One check-in at a door. Undone check-ins keep their row; the undo is a `CheckInUndoRecord`.
struct CheckInRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "checkin"
    var id: Int64?
    var inviteeId: Int64
    var door: String
    var partySize: Int
    var at: Date
    var nonce: String
    var staffId: Int64?
    var walkIn: Bool

    enum CodingKeys: String, CodingKey {
        case id, door, at, nonce
        case inviteeId = "invitee_id", partySize = "party_size", staffId = "staff_id", walkIn = "walk_in"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Check-ins that have not been undone.
    static func active() -> QueryInterfaceRequest<CheckInRecord> {
        filter(sql: "id IN (SELECT id FROM active_checkin)")
    }
}

struct CheckInUndoRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "checkin_undo"
    var checkinId: Int64
    var at: Date
    var staffId: Int64?
    enum CodingKeys: String, CodingKey { case at, checkinId = "checkin_id", staffId = "staff_id" }
}

struct ScanFailureRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "scan_failure"
    var at: Date
    var door: String
    /// invalid, unknown, revoked, already_checked_in
    var reason: String
    /// What was scanned, cut to 200 characters.
    var scanned: String
    var nonce: String?
    var inviteeId: Int64?
    var staffId: Int64?
    enum CodingKeys: String, CodingKey {
        case at, door, reason, scanned, nonce
        case inviteeId = "invitee_id", staffId = "staff_id"
    }
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
