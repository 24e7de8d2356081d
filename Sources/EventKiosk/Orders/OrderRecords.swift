import Foundation
import GRDB

/// An order as stored. A void is a row of its own (`OrderVoidRecord`); the order row never changes.
struct OrderRecord: Codable, FetchableRecord, MutablePersistableRecord, SnakeCaseColumns, Sendable {
    static let databaseTableName = "sale_order"
    enum Columns {
        static let id = Column("id")
        static let inviteeId = Column("invitee_id")
        static let model = Column("model")
        static let consultant = Column("consultant")
        static let createdAt = Column("created_at")
        static let staffId = Column("staff_id")
        static let nonce = Column("nonce")
    }
    var id: Int64?
    var inviteeId: Int64
    var model: String
    var consultant: String
    var createdAt: Date
    var staffId: Int64?
    var nonce: String?
    /// Why a guest who already has a valid order orders again (a fleet buyer, 大客户); nil for a first order.
    var reason: String? = nil
    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    static func valid() -> QueryInterfaceRequest<OrderRecord> {
        filter(sql: "id IN (SELECT id FROM valid_order)")
    }
}

struct OrderVoidRecord: Codable, FetchableRecord, PersistableRecord, SnakeCaseColumns, Sendable {
    static let databaseTableName = "order_void"
    enum Columns {
        static let orderId = Column("order_id")
        static let reason = Column("reason")
        static let at = Column("at")
        static let staffId = Column("staff_id")
    }
    var orderId: Int64
    var reason: String
    var at: Date
    var staffId: Int64?
}

/// An order as staff see it.
public struct OrderView: Codable, Sendable, Equatable {
    public let id: Int64
    public let inviteeId: Int64
    public internal(set) var name: String
    public internal(set) var phone: String
    public let model: String
    public let consultant: String
    public let createdAt: Date
    public let voided: Bool
    public let voidReason: String?
    /// Why a guest who already had an order ordered again (大客户), and who entered the order.
    public var reason: String? = nil
    public var enteredBy: Int64? = nil
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

/// A change of the rebate tiers after the first order, with its reason: printed on the rebate statement.
struct TierChangeRecord: Codable, FetchableRecord, MutablePersistableRecord, SnakeCaseColumns, Sendable {
    static let databaseTableName = "tier_change"
    enum Columns {
        static let id = Column("id")
    }
    var id: Int64?
    var at: Date
    var staffId: Int64?
    var reason: String
    var orders: Int
    /// The tiers before and after, as JSON.
    var oldTiers: String
    var newTiers: String
    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
