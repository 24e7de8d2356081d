import Foundation
import GRDB

/// Group commit: writes that arrive while a commit is on its way to disk wait, and then go together in one
/// transaction (each in its own savepoint, so one write's error touches no other). Every caller is answered only
/// after that transaction is durable (`synchronous=FULL`), so an acknowledged write is always on disk; one fsync
/// simply serves many. Issue 8 measured a single-row commit per scan (and per spin) as the bottleneck.
/// Order is kept: writes run in the order they arrived, so spin numbers follow the order of the requests.
actor GroupCommit<Input: Sendable, Output: Sendable> {
    typealias Work = @Sendable (Database, Input) throws -> Output
    private struct Waiting { let input: Input; let actor: AuditLog.Actor?; let continuation: CheckedContinuation<Output, any Error> }

    let db: AppDatabase
    /// The most writes one transaction takes, so a burst cannot make one commit arbitrarily long.
    let maxBatch: Int
    let work: Work
    private var waiting: [Waiting] = []
    private var draining = false

    init(db: AppDatabase, maxBatch: Int = 128, work: @escaping Work) {
        self.db = db
        self.maxBatch = maxBatch
        self.work = work
    }

    func run(_ input: Input) async throws -> Output {
        let actor = AuditLog.actor  // each write keeps its own staff member, whichever batch it joins
        return try await withCheckedThrowingContinuation { continuation in
            waiting.append(Waiting(input: input, actor: actor, continuation: continuation))
            if !draining {
                draining = true
                Task { await drain() }
            }
        }
    }

    private func drain() async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(maxBatch))
            waiting.removeFirst(batch.count)
            let inputs = batch.map { ($0.input, $0.actor) }
            let work = self.work
            do {
                let results = try await db.write { db in
                    inputs.map { input, actor -> Result<Output, any Error> in
                        var outcome: Result<Output, any Error> = .failure(CancellationError())
                        do {
                            try db.inSavepoint {
                                outcome = .success(try AuditLog.$actor.withValue(actor) { try work(db, input) })
                                return .commit
                            }
                        } catch { outcome = .failure(error) }
                        return outcome
                    }
                }
                // The transaction is committed and on disk: now, and only now, answer.
                for (w, r) in zip(batch, results) { w.continuation.resume(with: r) }
            } catch {
                for w in batch { w.continuation.resume(throwing: error) }
            }
        }
        draining = false
    }
}

/// The doors' group commit: one scan per input.
struct CheckInBatcher: Sendable {
    typealias Scan = ScanInput
    /// A scan's outcome and, when it let someone in, the arrival counts right after it, read in the same
    /// transaction: the screens get them without another trip to the database.
    struct Scanned: Sendable { let outcome: CheckInOutcome; let status: ArrivalStatus? }
    private let commit: GroupCommit<Scan, Scanned>

    init(db: AppDatabase, maxBatch: Int = 128) {
        commit = GroupCommit(db: db, maxBatch: maxBatch) { db, s in
            let outcome = try AppDatabase.checkIn(db, s)
            guard case .ok = outcome else { return Scanned(outcome: outcome, status: nil) }
            return Scanned(outcome: outcome, status: try AppDatabase.arrivalStatus(db))
        }
    }

    func checkIn(_ scan: Scan) async throws -> Scanned { try await commit.run(scan) }
}
