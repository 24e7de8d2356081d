import Foundation
import GRDB
import Testing

@testable import EventKiosk

/// Upgrading keeps the day: a newer kiosk migrates an older day's data, and copies it aside first (issue 17).
@Suite struct UpgradeTests {
    @Test func anOlderDayIsCopiedAsideBeforeItIsMigratedAndOnlyThen() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-upgrade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // The day as an older kiosk left it: migrated only up to issue 7's schema, with a setting in it.
        do {
            let old = try DatabasePool(path: dir.appendingPathComponent(AppDatabase.fileName).path)
            try AppDatabase.migrator.migrate(old, upTo: "v8 event editing")
            try await old.write { db in try db.execute(sql: "INSERT INTO setting(key, value) VALUES ('kept', 'from the old day')") }
            try old.close()
        }
        let db = try AppDatabase.open(directory: dir)
        #expect(try await db.read { db in try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'kept'") } == "from the old day")
        let folder = dir.appendingPathComponent("before-upgrade")
        let copies = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(copies.count == 1)
        let copy = try DatabaseQueue(path: folder.appendingPathComponent(copies[0]).path)
        let (complete, kept) = try await copy.read { db in
            (try AppDatabase.migrator.hasCompletedMigrations(db), try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'kept'"))
        }
        #expect(!complete, "the copy is the day before the migration")
        #expect(kept == "from the old day")
        // A day already up to date is not copied again.
        _ = try AppDatabase.open(directory: dir)
        let after = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(after == copies, "\(after)")
    }

    @Test func theVersionComesFromTheOneVersionFile() throws {
        let file = TestApp.repoRoot.appendingPathComponent("VERSION")
        #expect(Install.version == (try String(contentsOf: file, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(!Install.isPackaged, "a checkout is not a package")
        #expect(Install.defaultDataDir().lastPathComponent == "kiosk-data")
    }
}
