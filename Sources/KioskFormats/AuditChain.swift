import Foundation

/// One entry of the kiosk's audit log as stored and exported: entry `seq` carries
/// `hash = SHA256(prev_hash + entry)`, the first entry's previous hash being 64 zeros.
public struct AuditRow: Codable, Sendable, Equatable {
    public let seq: Int64
    public let entry: String
    public let prevHash: String
    public let hash: String

    public init(seq: Int64, entry: String, prevHash: String, hash: String) {
        self.seq = seq; self.entry = entry; self.prevHash = prevHash; self.hash = hash
    }
}

/// Walks the audit chain: from its start, or from a checkpoint a reader already trusts, so a long day need not be
/// re-read from entry 1, and a restored or rewritten log is caught against what was signed.
public enum AuditChain {
    public static let genesis = String(repeating: "0", count: 64)

    /// Problems found in `rows` (empty = intact). With `from`, the rows continue the chain after entry `from.n` whose
    /// hash is `from.hash`.
    /// A `jump` lets the chain go on after entry `after` from entry `n` (a day brought back after a later one: the
    /// entries between are that later day's, kept in its own copy), where a checkpoint signs entry `n`.
    public static func verify(_ rows: [AuditRow], from: AuditCheckpoint? = nil, jumps: [PackManifest.Jump] = []) -> [String] {
        var problems: [String] = []
        var prev = from?.hash ?? genesis
        var expectedSeq: Int64 = (from?.n ?? 0) + 1
        for row in rows {
            if let jump = jumps.first(where: { $0.after == expectedSeq - 1 }), row.seq == jump.n + 1 {
                prev = jump.hash
                expectedSeq = jump.n + 1
            }
            if row.seq != expectedSeq {
                problems.append(
                    row.seq < expectedSeq
                        ? "entry \(row.seq): out of order, after entry \(expectedSeq - 1)"
                        : "entry \(row.seq): expected sequence number \(expectedSeq) (an entry is missing)")
            }
            if row.prevHash != prev {
                problems.append(
                    "entry \(row.seq): previous hash \(row.prevHash.prefix(12))… does not match entry \(row.seq - 1)'s hash \(prev.prefix(12))…")
            }
            if sha256Hex(row.prevHash + row.entry) != row.hash {
                problems.append("entry \(row.seq): hash does not match its content (it was changed)")
            }
            if let data = row.entry.data(using: .utf8), let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                (obj["seq"] as? NSNumber)?.int64Value != row.seq
            {
                problems.append("entry \(row.seq): the sequence number inside the entry differs")
            }
            prev = row.hash
            expectedSeq = row.seq + 1
        }
        return problems
    }

    /// Whether `rows` (the whole chain from entry 1) hold the entry a checkpoint signed: nil when they do, else why not.
    public static func problem(_ rows: [AuditRow], against checkpoint: AuditCheckpoint) -> String? {
        if checkpoint.n == 0 { return checkpoint.hash == genesis ? nil : "checkpoint 0 must carry 64 zeros" }
        guard let last = rows.last, last.seq >= checkpoint.n else {
            return "the log ends at entry \(rows.last?.seq ?? 0), before entry \(checkpoint.n) that the checkpoint signed (it was truncated)"
        }
        guard let row = rows.first(where: { $0.seq == checkpoint.n }) else { return "entry \(checkpoint.n) is missing" }
        guard row.hash == checkpoint.hash else {
            return "entry \(checkpoint.n) has hash \(row.hash.prefix(12))…, "
                + "but the checkpoint signed \(checkpoint.hash.prefix(12))… (the log was rewritten)"
        }
        return nil
    }
}

/// What a kiosk signs about its log: `eventkiosk/<kiosk_id>` / `checkpoint` / `<n>` / `<hash of entry n>` / `<time>`.
public struct AuditCheckpoint: Equatable, Sendable {
    public let origin: String
    public let n: Int64
    public let hash: String
    public let time: String

    public init(origin: String, n: Int64, hash: String, time: String) { self.origin = origin; self.n = n; self.hash = hash; self.time = time }

    public var text: String { "\(origin)\ncheckpoint\n\(n)\n\(hash)\n\(time)\n" }

    /// A checkpoint's text, or nil when it is not one.
    public init?(text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 6, lines[5].isEmpty, lines[0].hasPrefix("eventkiosk/"), lines[1] == "checkpoint", let n = Int64(lines[2]), n >= 0,
            lines[3].count == 64, lines[3].allSatisfy({ $0.isHexDigit && !$0.isUppercase }), !lines[4].isEmpty
        else { return nil }
        self.init(origin: String(lines[0]), n: n, hash: String(lines[3]), time: String(lines[4]))
    }
}

/// A kiosk's identity as the manufacturer sees it: `kiosk_id` = the first 16 hex digits of SHA-256(public key), and
/// its notes are signed under the key name `eventkiosk/<kiosk_id>`.
public enum KioskKey {
    public static func kioskID(publicKey: Data) -> String { String(sha256Hex(publicKey).prefix(16)) }
    public static func name(publicKey: Data) -> String { "eventkiosk/\(kioskID(publicKey: publicKey))" }
    public static func noteKey(publicKey: Data) -> NoteKey { NoteKey(name: name(publicKey: publicKey), publicKey: publicKey) }
}
