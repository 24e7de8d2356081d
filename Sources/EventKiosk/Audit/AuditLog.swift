import Foundation
import GRDB

/// The tamper-evident log: every check-in, order, void, spin, draw step and stock change, appended in the
/// same transaction as the change itself. Entry n carries SHA256(hash of entry n−1 + entry n's canonical JSON);
/// the first entry's previous hash is 64 zeros. Rows cannot be updated or deleted (SQLite triggers).
public enum AuditLog {
    public static let genesis = String(repeating: "0", count: 64)

    /// Canonical JSON: sorted keys, no spaces, `/` unescaped, dates RFC 3339 in UTC.
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
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

    /// Appends one entry inside the caller's transaction.
    static func append(_ db: Database, kind: String, _ data: some Encodable) throws {
        let last = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"))
        let seq: Int64 = (last?["seq"] ?? 0) + 1
        let prev: String = last?["hash"] ?? genesis
        let json = String(decoding: try encoder.encode(Entry(seq: seq, at: Date(), kind: kind, data: data)), as: UTF8.self)
        try db.cachedStatement(sql: "INSERT INTO audit(seq, entry, prev_hash, hash) VALUES (?, ?, ?, ?)")
            .execute(arguments: [seq, json, prev, sha256Hex(prev + json)])
    }

    public struct Row_: Codable, Sendable {
        public let seq: Int64
        public let entry: String
        public let prevHash: String
        public let hash: String
    }

    /// Checks the whole chain; returns the problems found (empty = intact).
    public static func verify(_ rows: [Row_]) -> [String] {
        var problems: [String] = []
        var prev = genesis
        var expectedSeq: Int64 = 1
        for row in rows {
            if row.seq != expectedSeq { problems.append("entry \(row.seq): expected sequence number \(expectedSeq) (an entry is missing)") }
            if row.prevHash != prev { problems.append("entry \(row.seq): previous hash \(row.prevHash.prefix(12))… does not match entry \(row.seq - 1)'s hash \(prev.prefix(12))…") }
            let recomputed = sha256Hex(row.prevHash + row.entry)
            if recomputed != row.hash { problems.append("entry \(row.seq): hash does not match its content (it was changed)") }
            if let data = row.entry.data(using: .utf8), let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
               (obj["seq"] as? NSNumber)?.int64Value != row.seq {
                problems.append("entry \(row.seq): the sequence number inside the entry differs")
            }
            prev = row.hash
            expectedSeq = row.seq + 1
        }
        return problems
    }
}

extension AppDatabase {
    public func auditRows(after: Int64 = 0, limit: Int = 100_000) async throws -> [AuditLog.Row_] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT seq, entry, prev_hash, hash FROM audit WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [after, limit])
                .map { AuditLog.Row_(seq: $0["seq"], entry: $0["entry"], prevHash: $0["prev_hash"], hash: $0["hash"]) }
        }
    }
}
