import Foundation
import GRDB

/// An order as stored. A void is a row of its own (`OrderVoidRecord`); the order row never changes.
struct OrderRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "sale_order"
    var id: Int64?
    var inviteeId: Int64
    var model: String
    var consultant: String
    var createdAt: Date
    var staffId: Int64?
    var nonce: String?

    enum CodingKeys: String, CodingKey {
        case id, model, consultant, nonce
        case inviteeId = "invitee_id", createdAt = "created_at", staffId = "staff_id"
    }
    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    static func valid() -> QueryInterfaceRequest<OrderRecord> {
        filter(sql: "id IN (SELECT id FROM valid_order)")
    }
}

struct OrderVoidRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "order_void"
    var orderId: Int64
    var reason: String
    var at: Date
    var staffId: Int64?
    enum CodingKeys: String, CodingKey { case reason, at, orderId = "order_id", staffId = "staff_id" }
}

/// An order as staff see it.
public struct OrderView: Codable, Sendable, Equatable {
    public let id: Int64
    public let inviteeId: Int64
    public let name: String
    public let phone: String
    public let model: String
    public let consultant: String
    public let createdAt: Date
    public let voided: Bool
    public let voidReason: String?
}

/// An order as the public screens see it: the name masked, no phone.
public struct PublicOrder: Codable, Sendable, Equatable {
    public let id: Int64
    public let name: String
    public let model: String
    public let consultant: String
    public let at: Date
    init(_ o: OrderView) { id = o.id; name = NameMask.mask(o.name); model = o.model; consultant = o.consultant; at = o.createdAt }
}
