import Foundation
import GRDB

/// An invited (or walk-in) guest as stored.
struct InviteeRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "invitee"
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

    enum CodingKeys: String, CodingKey {
        case id, name, phone, plate, vin, model, consultant, code, status, invitation
        case partySize = "party_size", walkIn = "walk_in", createdAt = "created_at", updatedAt = "updated_at"
    }

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
