import Foundation
import GRDB

/// An invited (or walk-in) guest as stored.
struct InviteeRecord: Codable, FetchableRecord, MutablePersistableRecord, SnakeCaseColumns, Sendable {
    static let databaseTableName = "invitee"
    enum Columns {
        static let id = Column("id")
        static let name = Column("name")
        static let phone = Column("phone")
        static let plate = Column("plate")
        static let vin = Column("vin")
        static let model = Column("model")
        static let consultant = Column("consultant")
        static let partySize = Column("party_size")
        static let code = Column("code")
        static let status = Column("status")
        static let walkIn = Column("walk_in")
        static let createdAt = Column("created_at")
        static let updatedAt = Column("updated_at")
        static let invitation = Column("invitation")
    }
    var id: Int64?
    var name: String
    var phone: String
    var plate: String?
    var vin: String?
    var model: String?
    var consultant: String?
    var partySize: Int
    var code: String
    /// "active" or "revoked".
    var status: String
    var walkIn: Bool
    var createdAt: Date
    var updatedAt: Date
    /// Where the invitation stands before the day: not_contacted, invited, confirmed, declined, no_answer (issue 16).
    var invitation: String = InvitationOutcome.notContacted

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// An invitee as staff see it through the API.
public struct InviteeView: Codable, Sendable, Equatable {
    public let id: Int64
    public let name: String
    public let phone: String
    public let plate: String?
    public let vin: String?
    public let model: String?
    public let consultant: String?
    public let partySize: Int
    public let code: String
    public let status: String
    public let walkIn: Bool
    public let invitation: String
    /// When the guest checked in (not undone); only in the admin's list, absent elsewhere.
    public var arrivedAt: Date?

    init(_ r: InviteeRecord) {
        id = r.id ?? 0; name = r.name; phone = r.phone; plate = r.plate; vin = r.vin; model = r.model
        consultant = r.consultant; partySize = r.partySize; code = r.code; status = r.status; walkIn = r.walkIn
        invitation = r.invitation
    }
}

/// A check-in code replaced by a reissue: the old card then answers `revoked` at the door.
struct RetiredCodeRecord: Codable, FetchableRecord, PersistableRecord, SnakeCaseColumns, Sendable {
    static let databaseTableName = "retired_code"
    enum Columns {
        static let code = Column("code")
        static let inviteeId = Column("invitee_id")
    }
    var code: String
    var inviteeId: Int64
    var at: Date
    var staffId: Int64?
}
