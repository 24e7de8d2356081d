import Foundation
import GRDB

/// A signed checkpoint of the audit log as kept: every one the kiosk signs stays (issue 25).
struct CheckpointRecord: Codable, FetchableRecord, MutablePersistableRecord, SnakeCaseColumns, Sendable {
    static let databaseTableName = "checkpoint"
    enum Columns {
        static let id = Column("id")
        static let n = Column("n")
    }
    var id: Int64?
    var n: Int64
    var hash: String
    var note: String
    var at: Date
    /// Why it was signed: `asked` (the public route), `close` (the day was closed).
    var reason: String
    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension AppDatabase {
    /// A signed checkpoint of the log's head now. One already signed for the same head is given again rather than
    /// signed anew, so asking for it (a public route) cannot grow the table; the day's close always signs its own.
    /// A new one is also kept beside the key (`KioskKeep`) and, once the kiosk is enrolled, queued for the manufacturer
    /// in the same transaction.
    func checkpoint(reason: String = "asked") async throws -> String {
        let identity = self.identity
        let enrolled = identity.keep.enrolment() != nil
        let signed = try await write { db in try Self.signCheckpoint(db, identity: identity, reason: reason, enrolled: enrolled) }
        keepBesideKey(signed)
        return signed.record.note
    }

    struct SignedCheckpoint: Sendable { let record: CheckpointRecord; let isNew: Bool; let log: String }

    /// The checkpoint of the head, inside the caller's write transaction (see `checkpoint(reason:)`).
    static func signCheckpoint(_ db: Database, identity: KioskIdentity, reason: String, enrolled: Bool) throws -> SignedCheckpoint {
        let log = try AppDatabase.logIdentity(db)
        let head = try AuditLog.head(db)
        let (n, hash) = (head.n, head.hash)
        if reason != "close",
            let kept = try CheckpointRecord.filter(CheckpointRecord.Columns.n == n).order(CheckpointRecord.Columns.id.desc)
                .fetchOne(db)
        {
            return SignedCheckpoint(record: kept, isNew: false, log: log)
        }
        let now = Self.writeTime
        let text = AuditCheckpoint(origin: identity.origin, n: n, hash: hash, time: Stamp.text(now)).text
        var record = CheckpointRecord(n: n, hash: hash, note: try identity.sign(text), at: now, reason: reason)
        try record.insert(db)
        if enrolled { try HQOutboxItem.queue(db, kind: .checkpoint, body: Data(record.note.utf8), n: n) }
        return SignedCheckpoint(record: record, isNew: true, log: log)
    }

    /// A newly signed checkpoint is also kept beside the key, where a restore cannot reach it.
    func keepBesideKey(_ signed: SignedCheckpoint) {
        guard signed.isNew else { return }
        let r = signed.record
        try? identity.keep.keep([KeptCheckpoint(n: r.n, hash: r.hash, note: r.note, log: signed.log)])
    }

    /// Checkpoints in the database that the file beside the key lacks (a write cut short) are added to it.
    func keepMissingCheckpoints() async throws {
        let kept = Set(identity.keep.checkpoints().map(\.note))
        let (missing, log) = try await read { db in
            (try CheckpointRecord.order(CheckpointRecord.Columns.id).fetchAll(db).filter { !kept.contains($0.note) }, try AppDatabase.logIdentity(db))
        }
        try identity.keep.keep(missing.map { KeptCheckpoint(n: $0.n, hash: $0.hash, note: $0.note, log: log) })
    }

    /// The day's log id (made by the v20 migration): the same for every copy and backup of one day.
    static func logIdentity(_ db: Database) throws -> String { try setting(db, "log_id") ?? "" }

    /// Every checkpoint signed, oldest first.
    func checkpoints() async throws -> [String] {
        try await read { db in try CheckpointRecord.order(CheckpointRecord.Columns.id).fetchAll(db).map(\.note) }
    }
}

/// `kiosk verify-audit --checkpoint FILE`: the note's signature, by this kiosk's key, and the log against it.
public enum CheckpointCheck {
    public static func problems(noteFile: String, rows: [AuditRow], key: NoteKey) -> [String] {
        guard let data = FileManager.default.contents(atPath: noteFile), let note = String(data: data, encoding: .utf8) else {
            return ["checkpoint: cannot read \(noteFile)"]
        }
        let text: String
        do { text = try SignedNote.open(note, keys: [key]) } catch { return ["checkpoint: \(error) (key \(key.name))"] }
        guard let checkpoint = AuditCheckpoint(text: text) else { return ["checkpoint: the signed text is not a checkpoint"] }
        return AuditChain.problem(rows, against: checkpoint).map { ["checkpoint \(checkpoint.n): \($0)"] } ?? []
    }
}
