import Foundation
import GRDB
import Logging
import Testing

@testable import EventKiosk

/// Before the event is closed, no seed can be read from anything that leaves the data folder (issue 15).
@Suite struct SeedSecrecyTests {
    func folder(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    func contains(_ file: URL, _ needle: Data) throws -> Bool { try Data(contentsOf: file).range(of: needle) != nil }

    @Test func aBackupAndASnapshotTakenBeforeTheCloseHoldNeitherTheWheelSeedNorAnUnrunDrawSeed() async throws {
        let data = try folder("data"), usb = try folder("usb"), snapshots = try folder("snap")
        defer { for d in [data, usb, snapshots] { try? FileManager.default.removeItem(at: d) } }
        let db = try AppDatabase.open(directory: data)
        try await db.saveEvent(try EventConfig.load(file: TestApp.repoRoot.appendingPathComponent("Assets/demo-event.json")))
        _ = try await db.importInvitees(try InviteeImport(bytes: Array("姓名,手机\n张三,13800000001\n李四,13800000002\n".utf8)))
        _ = try await db.createDraw(name: "港澳双人游", pool: nil, winners: nil, alternates: nil)
        let backup = try db.backup(toFolder: usb)
        let target = BackupTarget(folder: snapshots, every: .seconds(300), keep: 3)
        var logger = Logger(label: "test"); logger.logLevel = .critical
        let snapshot = try target.snapshot(db: db, logger: logger)
        let pack = try await EvidencePack.build(db: db)
        for file in [backup, snapshot] {
            let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file.lastPathComponent) is readable by its owner only")
        }
        let drawSeed = try await db.read { db in try Data.fetchOne(db, sql: "SELECT seed FROM draw") }
        let seedHex = try await db.closeEvent()
        let seed = try #require(Data(hex: seedHex))
        for file in [backup, snapshot] {
            #expect(try !contains(file, Data(seedHex.utf8)), "hex seed in \(file.lastPathComponent)")
            #expect(try !contains(file, seed), "raw seed in \(file.lastPathComponent)")
        }
        #expect(pack.range(of: Data(seedHex.utf8)) == nil && pack.range(of: seed) == nil)
        #expect(try await db.wheel().commitment == sha256Hex(seed), "the commitment published at the start matches the revealed seed")
        // The draw's seed, sealed in the backup: its plaintext is nowhere in it.
        let sealed = try #require(drawSeed)
        #expect(SeedVault.isSealed(sealed))
        let opened = try db.vault.open(sealed)
        #expect(try !contains(backup, opened) && !contains(backup, Data(opened.hexString.utf8)))
    }

    @Test func afterARestoreOnTheSameLaptopTheDayGoesOn() async throws {
        let data = try folder("data"), usb = try folder("usb")
        defer { for d in [data, usb] { try? FileManager.default.removeItem(at: d) } }
        var db: AppDatabase? = try AppDatabase.open(directory: data)
        try await db!.saveEvent(try EventConfig.load(file: TestApp.repoRoot.appendingPathComponent("Assets/demo-event.json")))
        _ = try await db!.importInvitees(try InviteeImport(bytes: Array("姓名,手机\n张三,13800000001\n".utf8)))
        _ = try await db!.checkIn(scanned: try await db!.invitee(id: 1).code, door: "正门", nonce: "in-before-backup", partySize: nil, staffID: nil)
        let commitment = try await db!.wheel().commitment
        let backup = try db!.backup(toFolder: usb)
        db = nil
        _ = try AppDatabase.restore(from: backup, dataDir: data)
        let restored = try AppDatabase.open(directory: data)
        let spin = try await restored.spin(
            .grant(try await restored.grantSpin(inviteeID: 1, reason: "夺宝令牌", staffID: nil)), nonce: "after-restore", staffID: nil)
        #expect(spin.number == 1)
        #expect(try await restored.wheel().commitment == commitment)
        // On another laptop without kiosk-data/secrets/ the seed cannot be opened, and the answer says what to do.
        let elsewhere = try folder("other")
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        _ = try AppDatabase.restore(from: backup, dataDir: elsewhere)
        let stranger = try AppDatabase.open(directory: elsewhere)
        await #expect(throws: DomainError.self) {
            _ = try await stranger.spin(
                .grant(try await stranger.grantSpin(inviteeID: 1, reason: "夺宝令牌", staffID: nil)), nonce: "other-laptop", staffID: nil)
        }
    }
}

/// The backup folder can never be inside the folder the pages are served from (issue 15).
@Suite struct BackupFolderTests {
    @Test func aBackupFolderInsideTheServedFolderIsRefusedEvenThroughALink() async throws {
        let t = try await TestApp()
        let kiosk = TestApp.repoRoot.appendingPathComponent("Kiosk")
        let link = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-served-link-\(UUID().uuidString)")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: kiosk)
        defer { try? FileManager.default.removeItem(at: link) }
        try await t.test { client in
            let admin = try await client.login("1234")
            for folder in [kiosk.appendingPathComponent("backups").path, kiosk.path, link.appendingPathComponent("css").path] {
                try await client.execute(uri: "/api/backup/target", method: .put, headers: auth(admin), body: jsonBody(["folder": folder])) { r in
                    #expect(r.status == .unprocessableContent && errorCode(r) == "folder_served", "\(folder)")
                }
            }
            #expect(!FileManager.default.fileExists(atPath: kiosk.appendingPathComponent("backups").path), "nothing was made there")
        }
        #expect(BackupTarget.isInside(URL(fileURLWithPath: "/media/usb"), kiosk) == false)
        #expect(BackupTarget.isInside(URL(fileURLWithPath: kiosk.path + "-copies"), kiosk) == false, "a sibling with the same prefix is fine")
    }
}
