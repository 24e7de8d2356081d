import Foundation
import GRDB
import Logging

/// After a restore (issue 25): the restored log against the checkpoints this kiosk has signed, kept beside its key
/// where a restore cannot reach. A log older than one of them lacks entries the manufacturer may already hold.
public struct RestoreFinding: Equatable, Sendable {
    /// The newest checkpoint the restored log does not hold.
    let checkpointN: Int64
    /// How far the restored log reaches.
    let headN: Int64
    /// Entries signed before and missing now.
    var missing: Int64 { max(0, checkpointN - headN) }
    /// A signed entry the restored log has with another hash (its chain parts from what was signed).
    let contradicts: Bool

    public var message: String {
        let zh =
            contradicts
            ? "恢复的记录与本机已签名的第 \(checkpointN) 条检查点不一致"
            : "恢复的记录只到第 \(headN) 条，而本机已签名到第 \(checkpointN) 条：缺 \(missing) 条"
        let en =
            contradicts
            ? "the restored log disagrees with checkpoint \(checkpointN) this kiosk signed"
            : "the restored log ends at entry \(headN), but this kiosk signed a checkpoint at \(checkpointN): \(missing) entries are missing"
        return "⚠ \(zh)。厂家已收到的检查点会显示分叉 / \(en); the manufacturer will see a fork against what it already holds."
    }
}

enum RestoreCheck {
    /// The finding for `kept` (this day's checkpoints, in signing order) against a log reaching `headN` whose entry at
    /// n has `hashAt(n)`; nil when the log holds every one of them.
    static func finding(kept: [KeptCheckpoint], headN: Int64, hashAt: (Int64) -> String?) -> RestoreFinding? {
        var behind: KeptCheckpoint?
        var contradicts = false
        for c in kept where c.n > 0 {
            if c.n > headN {
                if c.n > (behind?.n ?? -1) { behind = c }
            } else if hashAt(c.n) != c.hash {
                contradicts = true
                if c.n > (behind?.n ?? -1) { behind = c }
            }
        }
        guard let behind else { return nil }
        return RestoreFinding(checkpointN: behind.n, headN: headN, contradicts: contradicts && behind.n <= headN)
    }
}

extension AppDatabase {
    static let restoreCheckedKey = "restore_checked_checkpoints"

    /// Checks the log against the checkpoints kept beside the key that it has not been checked against yet; a finding
    /// is recorded in the log (`restore_behind_checkpoint`) and returned, so it is said before the kiosk serves.
    public func checkRestoredLog() async throws -> RestoreFinding? {
        try await keepMissingCheckpoints()
        let kept = identity.keep.checkpoints()
        return try await write { db in
            let checked = Int(try AppDatabase.setting(db, AppDatabase.restoreCheckedKey) ?? "") ?? 0
            let log = try AppDatabase.logIdentity(db)
            let fresh = kept.dropFirst(min(checked, kept.count)).filter { $0.log == log }
            let headN = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM audit") ?? 0
            let finding = RestoreCheck.finding(kept: Array(fresh), headN: headN) { n in
                (try? String.fetchOne(db, sql: "SELECT hash FROM audit WHERE seq = ?", arguments: [n])) ?? nil
            }
            if let finding {
                try AuditLog.append(
                    db, kind: "restore_behind_checkpoint",
                    RestoreEntry(checkpointN: finding.checkpointN, headN: finding.headN, missing: finding.missing, contradicts: finding.contradicts))
            }
            try AppDatabase.setSetting(db, AppDatabase.restoreCheckedKey, String(kept.count))
            return finding
        }
    }

    struct RestoreEntry: Encodable { let checkpointN, headN, missing: Int64; let contradicts: Bool }
}

/// Before serving: says what the restore check found, on the console and in the server's log.
func sayRestoreFindings(db: AppDatabase, logger: Logger) async throws {
    guard let finding = try await db.checkRestoredLog() else { return }
    logger.warning("\(finding.message)")
    say(finding.message)
}
