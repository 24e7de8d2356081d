import Foundation
import GRDB

/// One spin of the lucky wheel. Its number is the row's key: 1, 2, … in the order spins are made (the verifier's input).
struct SpinRecord: Codable, FetchableRecord, PersistableRecord, SnakeCaseColumns, Sendable {
    static let databaseTableName = "spin"
    enum Columns {
        static let number = Column("number")
        static let orderId = Column("order_id")
        static let grantId = Column("grant_id")
        static let nonce = Column("nonce")
    }
    var number: Int
    var orderId: Int64?
    var grantId: Int64?
    var prizeId: String
    var prizeName: String
    var nonce: String
    var at: Date
    var staffId: Int64?
}

/// A bonus spin the MC granted (夺宝令牌), with why and by whom.
struct WheelGrantRecord: Codable, FetchableRecord, MutablePersistableRecord, SnakeCaseColumns, Sendable {
    static let databaseTableName = "wheel_grant"
    enum Columns {
        static let id = Column("id")
        static let inviteeId = Column("invitee_id")
    }
    var id: Int64?
    var inviteeId: Int64
    var reason: String
    var at: Date
    var staffId: Int64?
    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A change of a wheel prize's stock: an edit of the event, or a prize handed back by a voided order (`returnedSpin`).
/// The verifier replays them.
struct StockChangeRecord: Codable, FetchableRecord, MutablePersistableRecord, SnakeCaseColumns, Sendable {
    static let databaseTableName = "stock_change"
    enum Columns {
        static let id = Column("id")
        static let afterSpin = Column("after_spin")
    }
    var id: Int64?
    var prizeId: String
    var oldStock: Int
    var newStock: Int
    var afterSpin: Int
    var at: Date
    var staffId: Int64?
    var reason: String?
    var returnedSpin: Int?
    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// As the wheel record, the wheel screen and `verify-draw` show it.
    var published: DrawVerifier.WheelRecord.StockChange {
        .init(afterSpin: afterSpin, prize: prizeId, oldStock: oldStock, stock: newStock, returnedSpin: returnedSpin, reason: reason)
    }
}

/// An absent draw winner's prize handed to the next alternate, with the reason.
struct DrawReplacementRecord: Codable, FetchableRecord, MutablePersistableRecord, SnakeCaseColumns, Sendable {
    static let databaseTableName = "draw_replacement"
    enum Columns {
        static let id = Column("id")
        static let drawId = Column("draw_id")
    }
    var id: Int64?
    var drawId: Int64
    var winner: String
    var replacement: String
    var reason: String
    var at: Date
    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
