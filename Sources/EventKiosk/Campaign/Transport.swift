import Foundation
import GRDB

/// A guest boarding a bus: scanned at the bus with the same codes and the same door page. Boarding is not arrival.
struct BoardingRecord: Codable, FetchableRecord, MutablePersistableRecord, SnakeCaseColumns, Sendable {
    static let databaseTableName = "boarding"
    enum Columns {
        static let id = Column("id")
        static let inviteeId = Column("invitee_id")
        static let bus = Column("bus")
        static let at = Column("at")
        static let nonce = Column("nonce")
        static let staffId = Column("staff_id")
    }
    var id: Int64?
    var inviteeId: Int64
    var bus: String
    var at: Date
    var nonce: String
    var staffId: Int64?
    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// What a bus's page shows: who is on board, and the confirmed guests still missing with their consultant.
public struct BusView: Encodable, Sendable {
    public let name: String
    public let meetingPoint: String
    public let departs: String
    public let seats: Int
    public let boarded: Int
    public let missing: [Missing]
    public struct Missing: Encodable, Sendable {
        public let id: Int64; public let name: String; public let phone: String; public let consultant: String?
    }
}

enum BoardingOutcome: Sendable {
    case boarded(bus: String, at: Date, invitee: InviteeView)
    case already(bus: String, at: Date, invitee: InviteeView)
    case unknown
    case revoked(InviteeView)
    case invalid(String)
}

extension AppDatabase {
    /// A scan at a bus: the guest is on board (once per nonce; a second scan is "already on board").
    func board(_ scan: ScanInput, bus: String) async throws -> BoardingOutcome {
        try await write { db in
            if let earlier = try BoardingRecord.filter(BoardingRecord.Columns.nonce == scan.nonce).fetchOne(db),
                let invitee = try InviteeRecord.fetchOne(db, key: earlier.inviteeId)
            {
                return .boarded(bus: earlier.bus, at: earlier.at, invitee: InviteeView(invitee))
            }
            try Self.requireOpen(db)
            let invitee: InviteeRecord
            switch try Self.readCard(db, scan.scanned) {
            case .invalid(let why): return .invalid(why)
            case .unknown: return .unknown
            case .retired(let holder): return .revoked(InviteeView(holder))
            case .invitee(let found): invitee = found
            }
            if invitee.status == "revoked" { return .revoked(InviteeView(invitee)) }
            if let first = try BoardingRecord.filter(BoardingRecord.Columns.inviteeId == invitee.id).fetchOne(db) {
                return .already(bus: first.bus, at: first.at, invitee: InviteeView(invitee))
            }
            var record = BoardingRecord(
                id: nil, inviteeId: invitee.id ?? 0, bus: bus, at: scan.scannedAt ?? Self.writeTime, nonce: scan.nonce,
                staffId: scan.staffID)
            try record.insert(db)
            try AuditLog.append(db, kind: "boarding", ["invitee_id": "\(invitee.id ?? 0)", "bus": bus, "nonce": scan.nonce])
            return .boarded(bus: bus, at: record.at, invitee: InviteeView(invitee))
        }
    }

    /// Invitees on a bus, any bus.
    static func boardedIDs(_ db: Database) throws -> Set<Int64> { Set(try BoardingRecord.fetchAll(db).map(\.inviteeId)) }

    /// Each bus with who is on board and the confirmed guests still missing (neither on a bus nor here yet).
    func buses() async throws -> [BusView] {
        try await read { db in
            guard let buses = try Self.event(db)?.buses, !buses.isEmpty else { return [] }
            let boardings = try BoardingRecord.fetchAll(db)
            let guests = try Self.campaignGuests(db, consultant: nil)
            let missing = guests.filter { $0.invitation == "confirmed" && !$0.arrived && !$0.boarded }
                .map { BusView.Missing(id: $0.id, name: $0.name, phone: $0.phone, consultant: $0.consultant) }
            return buses.map { b in
                BusView(
                    name: b.name, meetingPoint: b.meetingPoint, departs: b.departs, seats: b.seats,
                    boarded: boardings.filter { $0.bus == b.name }.count, missing: missing)
            }
        }
    }
}
