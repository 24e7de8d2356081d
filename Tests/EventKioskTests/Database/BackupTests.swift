import Foundation
import GRDB
import Synchronization
import Testing

@testable import EventKiosk

@Suite struct BackupTests {
    func tempDir() -> URL { FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-backup-\(UUID().uuidString)") }

    /// Given walk-ins being registered as fast as the store takes them, a backup holds every one acknowledged
    /// before the backup started.
    @Test func aBackupTakenMidLoadHoldsEveryWriteAcknowledgedBeforeIt() async throws {
        let data = tempDir(), out = tempDir()
        defer { try? FileManager.default.removeItem(at: data); try? FileManager.default.removeItem(at: out) }
        let t = try await TestApp(db: try AppDatabase.open(directory: data))
        let acknowledged = Mutex<[String]>([])
        let stop = Mutex(false)
        let load = Task {
            var n = 0
            while !stop.withLock({ $0 }) {
                n += 1
                let draft = try InviteeImport.draft(
                    name: "客\(n)", phone: String(format: "1370%07d", n), plate: nil, vin: nil, model: nil,
                    consultant: nil, partySize: nil
                ).get()
                let nonce = "backup-load-\(n)"
                if case .ok = try await t.db.walkIn(WalkInRequest(draft: draft, door: "正门", nonce: nonce), staffID: nil) {
                    acknowledged.withLock { $0.append(nonce) }
                }
            }
            return n
        }
        // Wait until the load is really going (other suites share the cores), then back up in the middle of it.
        let deadline = ContinuousClock.now + .seconds(30)
        while acknowledged.withLock({ $0.count }) < 20 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        let before = Set(acknowledged.withLock { $0 })
        let file = try t.db.backup(toFolder: out)
        try await Task.sleep(for: .milliseconds(100))
        stop.withLock { $0 = true }
        let total = try await load.value
        #expect(before.count > 10, "the load never got going")
        let queue = try DatabaseQueue(path: file.path)
        let stored = Set(try await queue.read { db in try String.fetchAll(db, sql: "SELECT nonce FROM checkin") })
        #expect(before.isSubset(of: stored), "missing: \(before.subtracting(stored).sorted().prefix(5))")
        #expect(stored.count < total + 1)
        let summary = try AppDatabase.checkBackup(file)
        #expect(summary.checkins == stored.count && summary.audit >= stored.count)
        #expect(!FileManager.default.fileExists(atPath: file.path + ".partial"))
    }

    @Test func aRestoreKeepsTheDataItReplaces() async throws {
        let data = tempDir(), out = tempDir()
        defer { try? FileManager.default.removeItem(at: data); try? FileManager.default.removeItem(at: out) }
        do {
            let t = try await TestApp(db: try AppDatabase.open(directory: data), loadDemoInvitees: true)
            let backup = try t.db.backup(toFolder: out)
            _ = try await t.db.revokeInvitation(id: 1, staffID: nil)
            let guests = try await t.db.allInvitees()
            _ = try await t.db.checkIn(scanned: guests[2].code, door: "正门", nonce: "after-backup-1", partySize: nil, staffID: nil)
            #expect(try AppDatabase.checkBackup(backup).checkins == 0)
            let aside = try #require(try AppDatabase.restore(from: backup, dataDir: data))
            #expect(try AppDatabase.checkBackup(aside).checkins == 1)  // nothing lost: the replaced data is kept
        }
        let reopened = try AppDatabase.open(directory: data)
        #expect(try await reopened.arrivalStatus().arrived == 0)
        #expect(try await reopened.invitee(id: 1).status == "active")
    }

    @Test func snapshotsKeepOnlyTheNewestAndADamagedFileIsRefused() async throws {
        let data = tempDir(), out = tempDir()
        defer { try? FileManager.default.removeItem(at: data); try? FileManager.default.removeItem(at: out) }
        let t = try await TestApp(db: try AppDatabase.open(directory: data))
        for minute in 0..<5 { _ = try t.db.backup(toFolder: out, now: Date(timeIntervalSince1970: 1_800_000_000 + Double(minute) * 300)) }
        try AppDatabase.pruneSnapshots(in: out, keep: 3)
        let left = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(left.count == 3 && left.first!.hasPrefix("kiosk-"), "\(left)")
        let junk = out.appendingPathComponent("junk.sqlite")
        try Data((0..<8192).map { _ in UInt8.random(in: 0...255) }).write(to: junk)
        #expect(throws: (any Error).self) { try AppDatabase.checkBackup(junk) }
        #expect(throws: (any Error).self) { try AppDatabase.restore(from: junk, dataDir: data) }
        #expect(try await t.db.event() != nil)  // the live data is untouched
    }

    @Test func aSnapshotIntoAFolderThatCannotBeWrittenFailsLoudlyAndTheServerGoesOn() async throws {
        let data = tempDir()
        defer { try? FileManager.default.removeItem(at: data) }
        let t = try await TestApp(db: try AppDatabase.open(directory: data))
        let blocked = data.appendingPathComponent("not-a-folder")
        try Data("x".utf8).write(to: blocked)  // a file where the folder should be, like a pulled USB stick
        #expect(throws: (any Error).self) { try t.db.backup(toFolder: blocked) }
        #expect(try await t.db.event() != nil)
    }
}
