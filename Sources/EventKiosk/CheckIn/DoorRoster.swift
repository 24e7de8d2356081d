import Crypto
import Foundation
import GRDB

/// What a door tablet keeps so it can still answer scans while the laptop is out of reach: every card's code as
/// a SHA-256 hash, the guest's masked name, and whether they are in. No phone numbers, full names or codes in clear.
public struct DoorRoster: Encodable, Sendable {
    public struct Entry: Encodable, Sendable, Equatable {
        public let id: Int64
        public let codeSha256: String
        public let name: String
        public let partySize: Int
        public let consultant: String?
        public let checkedInAt: Date?
        /// "active", or "revoked" for a cancelled invitation and for a card whose code was reissued.
        public let status: String

        enum CodingKeys: CodingKey { case id, codeSha256, name, partySize, consultant, checkedInAt, status }
        /// `checked_in_at` is written as null rather than left out: the contract lists it for every entry.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id); try c.encode(codeSha256, forKey: .codeSha256); try c.encode(name, forKey: .name)
            try c.encode(partySize, forKey: .partySize); try c.encode(consultant, forKey: .consultant)
            try c.encode(checkedInAt, forKey: .checkedInAt); try c.encode(status, forKey: .status)
        }
    }

    /// Changes whenever any entry changes, so a tablet can tell whether its copy is current.
    public let version: Int64
    public let entries: [Entry]

    init(entries: [Entry]) {
        self.entries = entries
        var text = ""
        for e in entries { text += "\(e.id)|\(e.codeSha256)|\(e.name)|\(e.partySize)|\(e.checkedInAt?.timeIntervalSince1970 ?? 0)|\(e.status)\n" }
        let digest = Array(SHA256.hash(data: Data(text.utf8)))
        self.version = digest.prefix(6).reduce(Int64(0)) { $0 << 8 | Int64($1) }  // 48 bits: exact in JavaScript too
    }

    /// The hash a tablet computes from what it scanned (after `CheckInCode.extract`).
    public static func hash(code: String) -> String {
        SHA256.hash(data: Data(code.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

extension AppDatabase {
    /// Every invitation, walk-ins included, with its current check-in; reissued cards' old codes as revoked.
    func doorRoster() async throws -> DoorRoster {
        try await read { db in
            let arrived = try Dictionary(
                CheckInRecord.active().fetchAll(db).map { ($0.inviteeId, $0.at) }, uniquingKeysWith: { a, _ in a })
            let invitees = try InviteeRecord.order(InviteeRecord.Columns.id).fetchAll(db)
            var entries = invitees.map { i in
                DoorRoster.Entry(
                    id: i.id ?? 0, codeSha256: DoorRoster.hash(code: i.code), name: NameMask.mask(i.name),
                    partySize: i.partySize, consultant: i.consultant, checkedInAt: arrived[i.id ?? 0], status: i.status)
            }
            let byID = Dictionary(uniqueKeysWithValues: invitees.map { ($0.id ?? 0, $0) })
            for row in try Row.fetchAll(db, sql: "SELECT code, invitee_id FROM retired_code ORDER BY at") {
                let code: String = row["code"], id: Int64 = row["invitee_id"]
                guard let i = byID[id] else { continue }
                entries.append(
                    DoorRoster.Entry(
                        id: id, codeSha256: DoorRoster.hash(code: code), name: NameMask.mask(i.name),
                        partySize: i.partySize, consultant: i.consultant, checkedInAt: nil, status: "revoked"))
            }
            return DoorRoster(entries: entries)
        }
    }
}
