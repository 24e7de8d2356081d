import Foundation
import GRDB

/// Group commit for the doors: scans that arrive while a commit is on its way to disk wait, and then go together
/// in one transaction (each in its own savepoint, so one scan's error touches no other). Every caller is answered
/// only after that transaction is durable (`synchronous=FULL`), so an acknowledged check-in is always on disk;
/// one fsync simply serves many scans. Issue 8 measured a single-row commit per scan as the door's bottleneck.
actor CheckInBatcher {
    struct Scan: Sendable { let scanned: String; let door: String; let nonce: String; let partySize: Int?; let staffID: Int64? }
    private struct Waiting { let scan: Scan; let continuation: CheckedContinuation<CheckInOutcome, any Error> }

    let db: AppDatabase
    /// The most scans one transaction takes, so a burst cannot make one commit arbitrarily long.
    let maxBatch: Int
    private var waiting: [Waiting] = []
    private var draining = false

    init(db: AppDatabase, maxBatch: Int = 128) {
        self.db = db
        self.maxBatch = maxBatch
    }

    func checkIn(_ scan: Scan) async throws -> CheckInOutcome {
        try await withCheckedThrowingContinuation { continuation in
            waiting.append(Waiting(scan: scan, continuation: continuation))
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
            let scans = batch.map(\.scan)
            do {
                let results = try await db.write { db in
                    scans.map { s -> Result<CheckInOutcome, any Error> in
                        var outcome: Result<CheckInOutcome, any Error> = .failure(CancellationError())
                        do {
                            try db.inSavepoint {
                                outcome = .success(try AppDatabase.checkIn(db, scanned: s.scanned, door: s.door, nonce: s.nonce,
                                                                           partySize: s.partySize, staffID: s.staffID))
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
