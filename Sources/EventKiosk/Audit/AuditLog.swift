import Foundation
import GRDB

/// The tamper-evident log: every check-in, order, void, spin, draw step and stock change, appended in the
/// same transaction as the change itself. Entry n carries SHA256(hash of entry n−1 + entry n's canonical JSON);
/// the first entry's previous hash is 64 zeros. Rows cannot be updated or deleted (SQLite triggers).
public enum AuditLog {
    public static let genesis = AuditChain.genesis

    /// Canonical JSON: sorted keys, no spaces, `/` unescaped, dates RFC 3339 in UTC.
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// The same canonical form for an entry whose data is already JSON (no key conversion: its keys are final).
    static let plainEncoder: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    struct Entry<T: Encodable>: Encodable {
        let seq: Int64
        let at: Date
        let kind: String
        let data: T
    }

    /// The staff member whose request is being served: bound per request (`AuthMiddleware`) and carried into the
    /// write transaction (`AppDatabase.write`, `GroupCommit`), so every entry written for their action names them.
    public struct Actor: Sendable, Equatable { public let staffID: Int64; public let role: Role }
    @TaskLocal static var actor: Actor?

    /// Appends one entry inside the caller's transaction. When a staff member's request wrote it, its data carries
    /// their `staff_id` and `role` (issue 23: the chain, not only the tables, says who did it).
    static func append(_ db: Database, kind: String, _ data: some Encodable) throws {
        let last = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"))
        let seq: Int64 = (last?["seq"] ?? 0) + 1
        let prev: String = last?["hash"] ?? genesis
        let at = AppDatabase.writeTime
        let encoded: Data
        if let actor, case .object(var fields) = try JSON.decoder.decode(JSONValue.self, from: try encoder.encode(data)) {
            if fields["staff_id"] == nil || fields["staff_id"] == .null || fields["staff_id"] == .string("") {
                fields["staff_id"] = .int(Int(actor.staffID))
            }
            if fields["role"] == nil { fields["role"] = .string(actor.role.rawValue) }
            encoded = try plainEncoder.encode(Entry(seq: seq, at: at, kind: kind, data: JSONValue.object(fields)))
        } else {
            encoded = try encoder.encode(Entry(seq: seq, at: at, kind: kind, data: data))
        }
        let json = String(decoding: encoded, as: UTF8.self)
        try db.cachedStatement(sql: "INSERT INTO audit(seq, entry, prev_hash, hash) VALUES (?, ?, ?, ?)")
            .execute(arguments: [seq, json, prev, sha256Hex(prev + json)])
    }

    /// An entry as stored: the shared `AuditRow` (KioskFormats), which the manufacturer's service reads too.
    public typealias Row_ = AuditRow

    /// Checks the whole chain; returns the problems found (empty = intact). The walk is `AuditChain`'s.
    public static func verify(_ rows: [AuditRow]) -> [String] { AuditChain.verify(rows) }
}

extension AppDatabase {
    /// The newest entry's number and hash: shown small on the MC screen, so a photo of the screen anchors the log.
    func auditHead() async throws -> AuditHead {
        try await read { db in
            let row = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
            let hash: String = row?["hash"] ?? AuditLog.genesis
            return AuditHead(seq: row?["seq"] ?? 0, hash: hash, short: String(hash.prefix(8)))
        }
    }

    public func auditRows(after: Int64 = 0, limit: Int = 100_000) async throws -> [AuditLog.Row_] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT seq, entry, prev_hash, hash FROM audit WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [after, limit])
                .map { AuditLog.Row_(seq: $0["seq"], entry: $0["entry"], prevHash: $0["prev_hash"], hash: $0["hash"]) }
        }
    }
}

/// What a change changed, for the audit log: each field whose value differs, with its value before and after.
/// Fields are compared as the API writes them (snake_case JSON); nested values are compared whole.
public struct AuditDiff: Encodable, Sendable {
    public struct Change: Encodable, Sendable { public let before: JSONValue; public let after: JSONValue }
    public let changes: [String: Change]

    public init(before: some Encodable, after: some Encodable) throws {
        func object(_ value: some Encodable) throws -> [String: JSONValue] {
            if case .object(let o) = try JSON.decoder.decode(JSONValue.self, from: try AuditLog.encoder.encode(value)) { return o }
            return [:]
        }
        let (a, b) = (try object(before), try object(after))
        var changes: [String: Change] = [:]
        for key in Set(a.keys).union(b.keys) where a[key] != b[key] {
            changes[key] = Change(before: a[key] ?? .null, after: b[key] ?? .null)
        }
        self.changes = changes
    }

    public var isEmpty: Bool { changes.isEmpty }
}

/// The head of the audit log: its last entry's number and hash (and the hash's first 8 characters).
public struct AuditHead: Codable, Sendable, Equatable { public let seq: Int64; public let hash: String; public let short: String }
