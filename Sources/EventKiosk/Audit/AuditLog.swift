import Foundation
import GRDB
import KioskFormats

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
        let last = try head(db)
        let seq = last.n + 1
        let prev = last.hash
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

    /// Checks the day's whole chain from where it starts; returns the problems found (empty = intact). The walk is
    /// `AuditChain`'s.
    public static func verify(_ rows: [AuditRow], from start: PackManifest.Start? = nil, jumps: [PackManifest.Jump] = []) -> [String] {
        AuditChain.verify(rows, from: start.map { AuditCheckpoint(origin: "", n: $0.n, hash: $0.hash, time: "") }, jumps: jumps)
    }

    /// The laptop keeps one chain across its event days (issue 24): a day started after another one starts after that
    /// day's last entry (`audit_base`, "n hash"), so what the manufacturer already holds from this laptop stays true.
    static let baseKey = "audit_base"

    /// Where this day's log starts; nil for a laptop's first day (entry 1 follows 64 zeros).
    static func base(_ db: Database) throws -> PackManifest.Start? {
        guard let text = try AppDatabase.setting(db, baseKey) else { return nil }
        let parts = text.split(separator: " ")
        guard parts.count == 2, let n = Int64(parts[0]) else { return nil }
        return PackManifest.Start(n: n, hash: String(parts[1]))
    }

    /// A day brought back after a later one goes on from the later day's head, not from its own (`PackManifest.Jump`):
    /// so the laptop's chain never forks, whatever the order its days come back in.
    static let jumpsKey = "audit_jumps"

    static func jumps(_ db: Database) throws -> [PackManifest.Jump] {
        guard let text = try AppDatabase.setting(db, jumpsKey) else { return [] }
        return (try? JSON.decoder.decode([PackManifest.Jump].self, from: Data(text.utf8))) ?? []
    }

    /// The newest entry's number and hash; before this day's first entry, where its log starts; right after a day came
    /// back, the later day's head it goes on from.
    static func head(_ db: Database) throws -> PackManifest.Start {
        let last: PackManifest.Start
        if let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")) {
            last = PackManifest.Start(n: row["seq"], hash: row["hash"])
        } else {
            last = try base(db) ?? PackManifest.Start(n: 0, hash: genesis)
        }
        guard let jump = try jumps(db).first(where: { $0.after == last.n }) else { return last }
        return PackManifest.Start(n: jump.n, hash: jump.hash)
    }
}

extension AppDatabase {
    /// The newest entry's number and hash: shown small on the MC screen, so a photo of the screen anchors the log.
    func auditHead() async throws -> AuditHead {
        try await read { db in
            let head = try AuditLog.head(db)
            return AuditHead(seq: head.n, hash: head.hash, short: String(head.hash.prefix(8)))
        }
    }

    /// Where this day's log starts (nil: at entry 1), for checking it whole.
    public func auditBase() async throws -> PackManifest.Start? { try await read { db in try AuditLog.base(db) } }
    /// Where this day's log goes on from a later day's head (a day brought back).
    public func auditJumps() async throws -> [PackManifest.Jump] { try await read { db in try AuditLog.jumps(db) } }

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
