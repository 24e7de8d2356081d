import Foundation
import GRDB

/// A checkpoint or pack waiting for the manufacturer's service, or what became of it (issue 25).
struct HQOutboxItem: Codable, FetchableRecord, MutablePersistableRecord, SnakeCaseColumns, Sendable {
    static let databaseTableName = "hq_outbox"
    enum Kind: String, Codable, Sendable { case checkpoint, pack }
    enum State: String, Codable, Sendable {
        /// Not yet taken by the manufacturer: sent at the next chance.
        case waiting
        /// Taken (201, or 200 when it held it already).
        case sent
        /// Answered with a refusal (`pack_rejected`, `fork`, `unknown_key`…): not sent again, shown to the admin.
        case refused
        /// A pack replaced by a newer one before it could be sent (the newer holds everything the older did).
        case superseded
    }
    enum Columns {
        static let id = Column("id")
        static let kind = Column("kind")
        static let state = Column("state")
    }
    var id: Int64?
    var kind: Kind
    var body: Data
    var n: Int64
    var madeAt: Date
    var state: State
    var attempts: Int
    var lastAttemptAt: Date?
    var lastStatus: Int?
    var lastAnswer: String?
    var sentAt: Date?
    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Queues `body` inside the caller's write. A new pack supersedes the packs still waiting.
    static func queue(_ db: Database, kind: Kind, body: Data, n: Int64) throws {
        if kind == .pack {
            try HQOutboxItem.all().waiting().filter(Columns.kind == Kind.pack.rawValue).updateAll(
                db, Columns.state.set(to: State.superseded.rawValue))
        }
        var item = HQOutboxItem(
            kind: kind, body: body, n: n, madeAt: AppDatabase.writeTime, state: .waiting, attempts: 0, lastAttemptAt: nil, lastStatus: nil,
            lastAnswer: nil, sentAt: nil)
        try item.insert(db)
    }
}

extension DerivableRequest<HQOutboxItem> {
    func waiting() -> Self { filter(HQOutboxItem.Columns.state == HQOutboxItem.State.waiting.rawValue) }
}

/// One try at sending an item, as the sender saw it.
struct HQAttempt: Sendable {
    var state: HQOutboxItem.State
    var status: Int?
    var answer: String
}

extension AppDatabase {
    func queueForHQ(kind: HQOutboxItem.Kind, body: Data, n: Int64) async throws {
        try await write { db in try HQOutboxItem.queue(db, kind: kind, body: body, n: n) }
    }

    /// What waits, oldest first.
    func hqWaiting() async throws -> [HQOutboxItem] {
        try await read { db in try HQOutboxItem.all().waiting().order(HQOutboxItem.Columns.id).fetchAll(db) }
    }

    func recordHQAttempt(_ id: Int64, _ attempt: HQAttempt) async throws {
        try await write { db in
            guard var item = try HQOutboxItem.fetchOne(db, key: id) else { return }
            let now = Self.writeTime
            item.attempts += 1
            item.lastAttemptAt = now
            item.lastStatus = attempt.status
            item.lastAnswer = String(attempt.answer.prefix(2_000))
            item.state = attempt.state
            if attempt.state == .sent { item.sentAt = now }
            try item.update(db)
        }
    }

    /// The newest items (without their bodies' bytes), for 厂家上报.
    func hqOutbox(limit: Int = 30) async throws -> [HQOutboxItem] {
        try await read { db in try HQOutboxItem.order(HQOutboxItem.Columns.id.desc).limit(limit).fetchAll(db) }
    }

    /// The newest pack that was not replaced by another before it went.
    func lastHQPack() async throws -> HQOutboxItem? {
        try await read { db in
            try HQOutboxItem.filter(HQOutboxItem.Columns.kind == HQOutboxItem.Kind.pack.rawValue)
                .filter(HQOutboxItem.Columns.state != HQOutboxItem.State.superseded.rawValue).order(HQOutboxItem.Columns.id.desc).fetchOne(db)
        }
    }

    func hqWaitingCount() async throws -> Int { try await read { db in try HQOutboxItem.all().waiting().fetchCount(db) } }
}
