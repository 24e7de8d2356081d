import Foundation
import GRDB

/// The one store of the event day. Writes are methods named for what they do; reads go through `reader`.
public struct AppDatabase: Sendable {
    let dbWriter: any DatabaseWriter
    /// Seals the wheel's and draws' seeds until they are revealed (`SeedVault`).
    let vault: SeedVault
    /// Where every stored or compared "now" comes from (`KioskClock`).
    let clock: KioskClock
    /// Sessions and the event, kept in memory between the writes that change them (`AppMemo`).
    let memo = AppMemo()
    /// The kiosk's signing key: checkpoints and packs for the manufacturer (`KioskIdentity`).
    public let identity: KioskIdentity

    /// Opens (and migrates) a database through any writer; tests pass an in-memory `DatabaseQueue`.
    public init(
        _ dbWriter: any DatabaseWriter, vault: SeedVault = .ephemeral(), identity: KioskIdentity = .ephemeral(), clock: KioskClock = .system
    ) throws {
        self.dbWriter = dbWriter
        self.vault = vault
        self.identity = identity
        self.clock = clock
        try Self.migrator.migrate(dbWriter)
    }

    /// Now, by this database's clock.
    public func now() -> Date { clock.now() }

    /// The time of the write transaction in progress (the clock read once when it began); outside a write, now by
    /// the system clock.
    static var writeTime: Date { KioskClock.writeTime ?? KioskClock.system.now() }

    /// Opens the event's SQLite file in WAL mode with `synchronous=FULL`, so every acknowledged commit is on disk.
    public static func open(directory: URL, clock: KioskClock = .system) throws -> AppDatabase {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(fileName).path
        let pool = try DatabasePool(path: path, configuration: configuration())
        try restrictToOwner(directory)
        try backUpBeforeUpgrade(pool, directory: directory, now: clock.now())
        // Opening the pool switches to WAL and sets synchronous=NORMAL on the writer; FULL again, so a commit
        // is on disk before it is acknowledged (also across a power cut, not only a crash).
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let db = try AppDatabase(pool, vault: try SeedVault.forDataDir(directory), identity: try KioskIdentity.forDataDir(directory), clock: clock)
        try db.sealPlaintextSeeds()
        return db
    }

    /// The data folder and the database files are the owner's only (issue 23: at 0644 anyone on the laptop read the
    /// guest list). SQLite gives the WAL and shared-memory files it makes later the database file's permissions.
    static func restrictToOwner(_ directory: URL) throws {
        let files = FileManager.default
        try files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.path)
        for suffix in ["", "-wal", "-shm"] {
            let file = directory.appendingPathComponent(fileName + suffix).path
            if files.fileExists(atPath: file) { try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file) }
        }
    }

    /// A newer kiosk opening an older day migrates it; a copy of the day as it was is taken first, in
    /// `<data>/before-upgrade/`, so an upgrade that goes wrong loses nothing.
    static func backUpBeforeUpgrade(_ pool: DatabasePool, directory: URL, now: Date) throws {
        let (applied, pending) = try pool.read { db in
            (try migrator.appliedIdentifiers(db).count, try !migrator.hasCompletedMigrations(db))
        }
        guard applied > 0, pending else { return }
        let folder = directory.appendingPathComponent("before-upgrade", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let file = folder.appendingPathComponent("kiosk-\(fileStamp(now))-\(applied)-migrations.sqlite")
        let copy = try DatabaseQueue(path: file.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        try pool.backup(to: copy)
        try copy.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") }  // one self-contained file
        try copy.close()
    }

    /// Opens an existing event file for reading only (the CLI's checks, while the server may be running).
    public static func openReadOnly(directory: URL) throws -> AppDatabase {
        let path = directory.appendingPathComponent(fileName).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw DomainError(.notFound, "no_database", "no event database at \(path)")
        }
        var config = configuration()
        config.readonly = true
        return AppDatabase(reader: try DatabasePool(path: path, configuration: config), directory: directory)
    }

    /// Opens the event file in a folder that cannot be written (a read-only mount, a write-protected stick) so the
    /// day's data can still be read: immutable, because nothing can change it there; every write then fails with
    /// SQLITE_READONLY, which the pages show as "cannot be saved".
    public static func openImmutable(directory: URL) throws -> AppDatabase {
        let path = directory.appendingPathComponent(fileName).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw DomainError(.notFound, "no_database", "no event database at \(path)")
        }
        var config = configuration()
        config.readonly = true
        let encoded = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
        return AppDatabase(reader: try DatabasePool(path: "file:\(encoded)?mode=ro&immutable=1", configuration: config), directory: directory)
    }

    /// Whether a new file can be created in `directory` (the honest test: permissions, mount flags, free inodes).
    public static func canWrite(in directory: URL) -> Bool {
        let probe = directory.appendingPathComponent(".kiosk-write-test-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: probe.path, contents: Data("ok".utf8)) else { return false }
        try? FileManager.default.removeItem(at: probe)
        return true
    }

    private init(reader: DatabasePool, directory: URL) {
        self.dbWriter = reader
        self.vault = (try? SeedVault.forDataDir(directory)) ?? .ephemeral()
        self.identity = (try? KioskIdentity.forDataDir(directory)) ?? .ephemeral()
        self.clock = .system
    }

    /// An empty in-memory database, for tests.
    public static func inMemory(clock: KioskClock = .system) throws -> AppDatabase {
        try AppDatabase(DatabaseQueue(configuration: configuration()), clock: clock)
    }

    public static let fileName = "kiosk.sqlite"

    static func configuration() -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(5)
        config.prepareDatabase { db in
            // WAL is set by DatabasePool; FULL makes each commit durable before it is acknowledged.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        return config
    }

    public var reader: any DatabaseReader { dbWriter }

    /// Runs a write transaction. Feature services build their named writes on this.
    func write<T: Sendable>(_ updates: @Sendable @escaping (Database) throws -> T) async throws -> T {
        let clock = self.clock
        let actor = AuditLog.actor  // the request's staff member, read here where the request's task-locals are visible
        return try await dbWriter.write { db in
            try AuditLog.$actor.withValue(actor) { try KioskClock.$writeTime.withValue(clock.now()) { try updates(db) } }
        }
    }

    func read<T: Sendable>(_ value: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try await dbWriter.read(value)
    }

    /// The journal mode in force ("wal" for the event file), for health checks and tests.
    public func journalMode() throws -> String {
        try dbWriter.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// The synchronous level in force on a writer connection (2 = FULL).
    public func synchronousLevel() throws -> Int {
        try dbWriter.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }
}
