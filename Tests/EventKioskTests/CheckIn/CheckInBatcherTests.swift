import Foundation
import GRDB
import Testing

@testable import EventKiosk

@Suite struct CheckInBatcherTests {
    /// Scans that share a group commit still get their own answers: new guests ok, a repeat 409-style, a replayed
    /// nonce the same answer, garbage invalid; and every ok is a stored row with its audit entry.
    @Test func scansCommittedTogetherEachGetTheirOwnAnswer() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let t = try await TestApp(db: try AppDatabase.open(directory: dir), loadDemoInvitees: true)
        let batcher = CheckInBatcher(db: t.db, maxBatch: 8)
        let guests = Array(try await t.db.allInvitees().prefix(30))
        var scans = guests.enumerated().map { n, g in
            CheckInBatcher.Scan(scanned: g.code, door: "正门", nonce: "batch-\(n)-abcdef", partySize: nil, staffID: nil)
        }
        scans.append(.init(scanned: guests[0].code, door: "侧门", nonce: "batch-repeat-0", partySize: nil, staffID: nil))
        scans.append(.init(scanned: guests[1].code, door: "正门", nonce: "batch-1-abcdef", partySize: nil, staffID: nil))
        scans.append(.init(scanned: "not a code", door: "正门", nonce: "batch-garbage", partySize: nil, staffID: nil))
        let answers = try await withThrowingTaskGroup(of: (String, CheckInBatcher.Scanned).self) { group in
            for s in scans { group.addTask { (s.nonce, try await batcher.checkIn(s)) } }
            return try await group.reduce(into: [(String, CheckInBatcher.Scanned)]()) { $0.append($1) }
        }
        let outcomes = Dictionary(answers.map { ($0.0, $0.1.outcome) }, uniquingKeysWith: { a, _ in a })
        // Each scan that let someone in carries the counts just after it, read in its own transaction: 1…30.
        let counts = answers.compactMap { $0.1.status?.arrived }.sorted()
        #expect(Set(counts) == Set(1...30), "\(counts)")
        #expect(answers.allSatisfy { ($0.1.status != nil) == ({ if case .ok = $0 { true } else { false } }($0.1.outcome)) })
        // The two scans with nonce batch-1 are one request sent twice: both answered ok, one row.
        #expect(outcomes.count == 32)
        for n in 0..<30 {
            guard case .ok = outcomes["batch-\(n)-abcdef"] else {
                Issue.record("guest \(n): \(String(describing: outcomes["batch-\(n)-abcdef"]))"); continue
            }
        }
        if case .alreadyCheckedIn = outcomes["batch-repeat-0"] {} else { Issue.record("repeat: \(String(describing: outcomes["batch-repeat-0"]))") }
        if case .invalid = outcomes["batch-garbage"] {} else { Issue.record("garbage: \(String(describing: outcomes["batch-garbage"]))") }
        let (rows, audits) = try await t.db.read { db in
            (try CheckInRecord.fetchCount(db), try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit WHERE entry LIKE '%\"kind\":\"checkin\"%'") ?? 0)
        }
        #expect(rows == 30 && audits == 30)
        #expect(try await t.db.arrivalStatus().arrived == 30)
    }
}
