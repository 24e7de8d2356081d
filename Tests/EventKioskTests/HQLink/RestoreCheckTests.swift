import Foundation
import Testing

@testable import EventKiosk

/// Issue 25: after a restore, the log against the checkpoints signed before it.
@Suite struct RestoreCheckTests {
    func kept(_ n: Int64, _ hash: String) -> KeptCheckpoint { KeptCheckpoint(n: n, hash: hash, note: "note \(n)", log: "L") }

    @Test func aLogThatHoldsEverySignedCheckpointHasNoFinding() {
        let hashes: [Int64: String] = [3: "c", 7: "g"]
        #expect(RestoreCheck.finding(kept: [kept(3, "c"), kept(7, "g")], headN: 9) { hashes[$0] } == nil)
    }

    @Test func anOlderLogIsNamedWithHowManyEntriesAreMissing() {
        let hashes: [Int64: String] = [3: "c"]
        let f = RestoreCheck.finding(kept: [kept(3, "c"), kept(12, "l"), kept(9, "i")], headN: 5) { hashes[$0] }
        #expect(f == RestoreFinding(checkpointN: 12, headN: 5, contradicts: false))
        #expect(f?.missing == 7 && f?.message.contains("缺 7 条") == true)
    }

    @Test func aLogThatPartsFromASignedEntryIsNamedAsContradicting() {
        let f = RestoreCheck.finding(kept: [kept(4, "d")], headN: 6) { $0 == 4 ? "x" : nil }
        #expect(f == RestoreFinding(checkpointN: 4, headN: 6, contradicts: true))
    }

    @Test func restoringAnOlderBackupIsSaidOnceAndRecordedInTheLog() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-restore-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let t = try await TestApp(db: try AppDatabase.open(directory: dir))
        let early = try await t.db.checkpoint()
        #expect(!early.isEmpty)
        let backup = try t.db.backup(toFolder: dir.appendingPathComponent("usb"))
        let before = try await t.db.auditHead().seq
        // The day goes on and is signed again: that checkpoint is what a restore of the earlier copy cannot hold.
        try await t.test { client in
            let admin = try await client.login(TestApp.adminPIN)
            try await client.execute(uri: "/api/event/close", method: .post, headers: auth(admin)) { #expect($0.status == .ok) }
        }
        let signed = try await t.db.auditHead().seq
        #expect(signed > before)
        #expect(try await t.db.checkRestoredLog() == nil, "the log as it is holds every checkpoint")

        _ = try AppDatabase.restore(from: backup, dataDir: dir)
        let restored = try AppDatabase.open(directory: dir)
        let kept = restored.identity.keep.checkpoints()
        #expect(kept.count == 2, "\(kept)")
        let finding = try #require(try await restored.checkRestoredLog())
        #expect(finding.checkpointN == signed && finding.headN == before && finding.missing == signed - before)
        let rows = try await restored.auditRows()
        #expect(rows.last?.entry.contains("restore_behind_checkpoint") == true)
        #expect(try await restored.checkRestoredLog() == nil, "said once: the next start does not record it again")
    }
}
