import Foundation
import GRDB

/// What a staff member does on the day; each `/api` route names the roles it allows.
public enum Role: String, Codable, Sendable, CaseIterable {
    case admin, greeter, sales, mc, technician
}

/// A staff member as stored. The PIN is kept only as a salted PBKDF2 hash.
struct StaffRecord: Codable, FetchableRecord, MutablePersistableRecord, SnakeCaseColumns, Sendable {
    static let databaseTableName = "staff"
    enum Columns {
        static let id = Column("id")
        static let name = Column("name")
        static let role = Column("role")
        static let pinHash = Column("pin_hash")
        static let pinSalt = Column("pin_salt")
        static let builtin = Column("builtin")
        static let createdAt = Column("created_at")
        static let removedAt = Column("removed_at")
    }
    var id: Int64?
    var name: String
    var role: Role
    var pinHash: Data
    var pinSalt: Data
    /// The admin created from `KIOSK_ADMIN_PIN` at first start; it cannot be removed.
    var builtin: Bool
    var createdAt: Date
    var removedAt: Date?

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Staff who have not been removed: the one rule every staff query reads.
    static func active() -> QueryInterfaceRequest<StaffRecord> { all().active() }
}

extension DerivableRequest<StaffRecord> {
    /// Staff who have not been removed.
    func active() -> Self { filter(StaffRecord.Columns.removedAt == nil) }
}

/// A sign-in session. Only the token's SHA-256 is stored, so a copied database holds no usable token.
struct SessionRecord: Codable, FetchableRecord, PersistableRecord, SnakeCaseColumns, Sendable {
    static let databaseTableName = "session"
    enum Columns {
        static let tokenHash = Column("token_hash")
        static let staffId = Column("staff_id")
        static let createdAt = Column("created_at")
        static let expiresAt = Column("expires_at")
    }
    var tokenHash: String
    var staffId: Int64
    var createdAt: Date
    var expiresAt: Date
}

/// The signed-in staff member behind a request.
public struct StaffSession: Sendable, Equatable {
    public let staffID: Int64
    public let name: String
    public let role: Role
}

/// What the API shows of a staff member: never the PIN or its hash.
struct StaffView: Codable, Sendable {
    let id: Int64
    let name: String
    let role: Role
    let builtin: Bool
    let createdAt: Date

    init(_ r: StaffRecord) {
        id = r.id ?? 0; name = r.name; role = r.role; builtin = r.builtin; createdAt = r.createdAt
    }
}
