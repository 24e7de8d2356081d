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
    public internal(set) var name: String
    public internal(set) var phone: String
    public internal(set) var plate: String?
    public internal(set) var vin: String?
    public internal(set) var model: String?
    public internal(set) var consultant: String?
    public let partySize: Int
    public let code: String
    public let status: String
    public let walkIn: Bool
    public let invitation: String
    /// When the guest checked in (not undone); only in the admin's list, absent elsewhere.
    public var arrivedAt: Date?
    /// Set for roles that do not hand out invitations (`PersonalDataAccess`): `code` is then left out of the JSON.
    var codeHidden = false
    /// The check-in code, when the viewer may hand out this guest's invitation.
    var visibleCode: String? { codeHidden ? nil : code }

    enum CodingKeys: String, CodingKey {
        case id, name, phone, plate, vin, model, consultant, partySize, code, status, walkIn, invitation, arrivedAt
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(name, forKey: .name); try c.encode(phone, forKey: .phone)
        try c.encodeIfPresent(plate, forKey: .plate); try c.encodeIfPresent(vin, forKey: .vin); try c.encodeIfPresent(model, forKey: .model)
        try c.encodeIfPresent(consultant, forKey: .consultant); try c.encode(partySize, forKey: .partySize)
        if !codeHidden { try c.encode(code, forKey: .code) }
        try c.encode(status, forKey: .status); try c.encode(walkIn, forKey: .walkIn); try c.encode(invitation, forKey: .invitation)
        try c.encodeIfPresent(arrivedAt, forKey: .arrivedAt)
    }

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
