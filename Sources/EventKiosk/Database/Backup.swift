import Foundation
import GRDB
import Logging
import ServiceLifecycle
import Synchronization

/// Copies of the event's database: on demand (`kiosk backup`), every few minutes to a second folder such as a USB
/// stick, and back again (`kiosk restore`). A copy is SQLite's online backup of one consistent snapshot, so it can
/// be taken while the server runs and holds every write committed before it started.
extension AppDatabase {
    /// Writes a new `kiosk-YYYYMMDD-HHMMSS.sqlite` in `folder` and returns it. It is written under a `.partial`
    /// name and renamed only once it is complete and checked, so a half-written copy is never mistaken for a backup.
    public func backup(toFolder folder: URL, now: Date? = nil) throws -> URL {
        try Self.writeCopy(toFolder: folder, now: now ?? self.now()) { destination in try dbWriter.backup(to: destination) }
    }

    /// A new `kiosk-YYYYMMDD-HHMMSS.sqlite` in `folder`, filled by `copy` (SQLite's backup into the empty file) and
    /// checked before it takes its name.
    static func writeCopy(toFolder folder: URL, now: Date, copy: (DatabaseQueue) throws -> Void) throws -> URL {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let stamp = Self.fileStamp(now)
        var final = folder.appendingPathComponent("kiosk-\(stamp).sqlite")
        var n = 1
        while FileManager.default.fileExists(atPath: final.path) {
            n += 1
            final = folder.appendingPathComponent("kiosk-\(stamp)-\(n).sqlite")
        }
        let partial = URL(fileURLWithPath: final.path + ".partial")
        try? FileManager.default.removeItem(at: partial)
        do {
            let destination = try DatabaseQueue(path: partial.path)
            // Readable by the owner only: a copy of the day holds every guest's phone number.
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: partial.path)
            try copy(destination)
            // The copy inherits WAL mode; switch it back to a single self-contained file before it is moved or
            // carried away on a stick (a WAL file left behind would hold part of the data).
            try destination.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") }
            try destination.close()
            _ = try Self.checkBackup(partial)
            try FileManager.default.moveItem(at: partial, to: final)
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
        return final
    }

    /// What a backup file holds, after SQLite's integrity check; throws if it is not a sound kiosk database.
    public static func checkBackup(_ file: URL) throws -> BackupSummary {
        var config = Configuration()
        config.readonly = true
        let queue = try DatabaseQueue(path: file.path, configuration: config)
        defer { try? queue.close() }
        return try queue.read { db in
            let integrity = try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "?"
            guard integrity == "ok" else { throw BackupError("\(file.lastPathComponent) is damaged: \(integrity)") }
            guard try db.tableExists("checkin"), try db.tableExists("setting") else {
                throw BackupError("\(file.lastPathComponent) is not an EventKiosk database")
            }
            func count(_ table: String) throws -> Int {
                try db.tableExists(table) ? try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 : 0
            }
            return BackupSummary(
                invitees: try count("invitee"), checkins: try count("checkin"), orders: try count("sale_order"),
                spins: try count("spin"), inspections: try count("inspection"), audit: try count("audit"))
        }
    }

    /// Puts a backup in place of the data folder's database. The database it replaces is kept beside it
    /// (`kiosk.sqlite.before-restore-…`), so a restore never loses anything. The server must be stopped.
    public static func restore(from backup: URL, dataDir: URL, now: Date = Date()) throws -> URL? {
        _ = try checkBackup(backup)
        try FileManager.default.createDirectory(at: dataDir, withIntermediateDirectories: true)
        let live = dataDir.appendingPathComponent(fileName)
        var keptAside: URL?
        if FileManager.default.fileExists(atPath: live.path) {
            // Fold the WAL into the file first, so the copy kept aside is complete on its own.
            let pool = try DatabasePool(path: live.path)
            try pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
            try pool.close()
            let aside = dataDir.appendingPathComponent("\(fileName).before-restore-\(fileStamp(now))")
            try FileManager.default.moveItem(at: live, to: aside)
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: live.path + suffix) }
            keptAside = aside
        }
        try FileManager.default.copyItem(at: backup, to: live)
        return keptAside
    }

    /// `20261123-153000`: sorts by time, so the newest snapshot is the last name.
    static func fileStamp(_ date: Date) -> String {
        let f = DateFormatter()
        f.dateFormat = "yyyyMMdd-HHmmss"
        return f.string(from: date)
    }

    /// Keeps the newest `keep` snapshots in `folder` and deletes older ones.
    static func pruneSnapshots(in folder: URL, keep: Int) throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasPrefix("kiosk-") && $0.hasSuffix(".sqlite") }.sorted()
        for name in files.dropLast(keep) { try FileManager.default.removeItem(at: folder.appendingPathComponent(name)) }
    }
}

public struct BackupSummary: Sendable, Equatable, CustomStringConvertible {
    public let invitees, checkins, orders, spins, inspections, audit: Int
    public var description: String {
        "\(invitees) invitees, \(checkins) check-ins, \(orders) orders, \(spins) spins, \(inspections) inspections, \(audit) audit entries"
    }
}

public struct BackupError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ d: String) { description = d }
}

/// Where automatic snapshots go and how the last one went: set by `--snapshot-dir` or from the admin page,
/// read by the readiness check and the admin page.
public final class BackupTarget: Sendable {
    public struct State: Sendable, Encodable {
        public var folder: String?
        public var every: Int
        public var keep: Int
        public var lastFile: String?
        public var lastAt: Date?
        public var lastError: String?
    }
    private let state: Mutex<State>

    /// The folder the pages are served from: a backup folder inside it would put the day's data on the Wi-Fi.
    let served: URL?

    public init(folder: URL?, every: Duration, keep: Int, served: URL? = nil) {
        state = Mutex(State(folder: folder?.path, every: Int(every.components.seconds / 60), keep: keep))
        self.served = served
    }

    /// Whether `folder` is the served folder or inside it (after following links).
    public static func isInside(_ folder: URL, _ served: URL?) -> Bool {
        guard let served else { return false }
        let a = folder.resolvingSymlinksInPath().standardizedFileURL.path, b = served.resolvingSymlinksInPath().standardizedFileURL.path
        return a == b || a.hasPrefix(b.hasSuffix("/") ? b : b + "/")
    }

    static func servedFolderRefused(_ path: String) -> DomainError {
        DomainError(
            .invalid, "folder_served",
            "备份文件夹不能放在网页文件夹里（平板能下载到）/ The backup folder cannot be inside the folder the pages are served from: anyone on the Wi-Fi could download it (\(path))"
        )
    }
    public var current: State { state.withLock { $0 } }
    var folder: URL? { current.folder.map { URL(fileURLWithPath: $0) } }

    /// Points snapshots at a new folder after checking a file can be written there (a stick that is read-only or
    /// full is refused now, not at the first snapshot).
    func setFolder(_ path: String) throws {
        let path = path.trimmed
        if let wsl = Self.wslPath(forWindows: path) {
            throw DomainError(
                .invalid, "invalid_folder",
                "这是 Windows 的写法；本机（WSL）里这个文件夹是 \(wsl) / "
                    + "That is a Windows path; on this laptop (WSL) the folder is \(wsl)")
        }
        guard path.hasPrefix("/") else {
            throw DomainError(.invalid, "invalid_folder", "请填写完整路径，如 /media/usb / Give a full path, e.g. /media/usb")
        }
        if let mount = Self.unmountedStick(path) {
            throw DomainError(
                .invalid, "not_mounted",
                "\(mount) 没有插入或挂载 U 盘：备份会写到本机硬盘上，拔走也带不走 / No stick is mounted at \(mount): "
                    + "the backup would land on the laptop's own disk")
        }
        let folder = URL(fileURLWithPath: path)
        if Self.isInside(folder, served) { throw Self.servedFolderRefused(path) }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let probe = folder.appendingPathComponent(".kiosk-write-test")
            try Data("ok".utf8).write(to: probe)
            try FileManager.default.removeItem(at: probe)
        } catch {
            throw DomainError(.invalid, "folder_not_writable", "无法写入 \(path)：\(error.localizedDescription) / Cannot write to \(path)")
        }
        state.withLock {
            $0.folder = folder.path; $0.lastError = nil
        }
    }

    /// `E:\活动备份` → `/mnt/e/活动备份`: where Windows drives are under WSL (issue 24: the path was refused with no hint).
    static func wslPath(forWindows path: String) -> String? {
        guard path.range(of: #"^[A-Za-z]:([\\/]|$)"#, options: .regularExpression) != nil else { return nil }
        let rest = path.dropFirst(2).replacingOccurrences(of: "\\", with: "/").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        return "/mnt/\(path.prefix(1).lowercased())" + (rest.isEmpty ? "" : "/\(rest)")
    }

    /// For a folder under `/media`, `/mnt` or `/run/media` (where sticks are mounted): that place when nothing is
    /// mounted on the way to it, so the folder would be made on the laptop's own disk; nil otherwise.
    static func unmountedStick(_ path: String) -> String? {
        let parts = URL(fileURLWithPath: path).standardizedFileURL.pathComponents  // ["/", "media", "usb", …]
        let roots: [[String]] = [["/", "run", "media"], ["/", "media"], ["/", "mnt"]]
        guard let root = roots.first(where: { parts.count > $0.count && Array(parts.prefix($0.count)) == $0 }) else { return nil }
        func device(_ components: ArraySlice<String>) -> UInt64? {
            var info = stat()
            let p = NSString.path(withComponents: Array(components))
            return stat(p, &info) == 0 ? UInt64(info.st_dev) : nil
        }
        guard let base = device(parts.prefix(root.count)) else { return NSString.path(withComponents: Array(parts.prefix(root.count + 1))) }
        for depth in (root.count + 1)...parts.count {
            guard let d = device(parts.prefix(depth)) else { break }
            if d != base { return nil }  // a mount on the way: a stick (or a WSL drive)
        }
        // `/media/<user>/<label>` (desktops) or `/media/<label>`: name the place a stick would be.
        return NSString.path(withComponents: Array(parts.prefix(min(parts.count, root.count + 1))))
    }

    /// The folder chosen on the admin page before a restart; it is tried at the next snapshot as it is.
    func resume(folder: String) {
        guard !Self.isInside(URL(fileURLWithPath: folder), served) else { return }
        state.withLock { if $0.folder == nil { $0.folder = folder } }
    }

    func succeeded(_ file: URL, at: Date) {
        state.withLock {
            $0.lastFile = file.lastPathComponent; $0.lastAt = at; $0.lastError = nil
        }
    }
    func failed(_ error: any Error, at: Date) {
        state.withLock {
            $0.lastError = "\(error)"; $0.lastAt = at
        }
    }

    /// One snapshot now into the current folder, pruned to the last `keep`.
    func snapshot(db: AppDatabase, logger: Logger) throws -> URL {
        guard let folder else { throw DomainError(.conflict, "no_backup_folder", "尚未设置备份文件夹 / No backup folder is set") }
        // Checked again at every write, by its real path: a folder swapped for a link into the served folder since it
        // was set would put the database on the Wi-Fi (issue 23).
        if Self.isInside(folder, served) {
            let refused = Self.servedFolderRefused(folder.path)
            failed(refused, at: db.now())
            logger.error("snapshot REFUSED: \(folder.path) now leads into the served folder")
            throw refused
        }
        do {
            let file = try db.backup(toFolder: folder)
            try AppDatabase.pruneSnapshots(in: folder, keep: current.keep)
            succeeded(file, at: db.now())
            logger.notice("snapshot written", metadata: ["file": "\(file.path)"])
            return file
        } catch {
            failed(error, at: db.now())
            logger.error("snapshot FAILED: \(error) (folder \(folder.path)); the server keeps running, will try again")
            throw DomainError(.storageFull, "backup_failed", "备份失败：\(error) / The backup failed: \(error)")
        }
    }
}

extension AppDatabase {
    static let backupFolderKey = "backup_folder"

    func saveBackupFolder(_ path: String) async throws {
        try await write { db in
            let before = try Self.setting(db, Self.backupFolderKey)
            try Self.setSetting(db, Self.backupFolderKey, path)
            if before != path {
                try AuditLog.append(db, kind: "backup_folder_set", ["changes": ["folder": ["before": before ?? "", "after": path]]])
            }
        }
    }

    func savedBackupFolder() async throws -> String? {
        try await read { db in try Self.setting(db, Self.backupFolderKey) }
    }
}

/// Takes a snapshot every few minutes into the target folder (e.g. a USB stick) and keeps the last few. A failed
/// snapshot (stick pulled out, disk full) is logged as an error and tried again next time; the server keeps running.
public struct SnapshotService: Service {
    let db: AppDatabase
    let target: BackupTarget
    let every: Duration
    let logger: Logger

    public init(db: AppDatabase, target: BackupTarget, every: Duration, logger: Logger) {
        self.db = db; self.target = target; self.every = every; self.logger = logger
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: every)
                if target.folder != nil { _ = try? target.snapshot(db: db, logger: logger) }
            }
        }
    }
}
