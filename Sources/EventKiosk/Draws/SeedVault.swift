import Crypto
import Foundation
import KioskFormats
import GRDB

/// Keeps the wheel's and the draws' seeds unreadable until they are revealed. A seed known in advance lets its holder
/// predict every spin, or pick the salt that makes a friend win a draw, so before the reveal the database holds each
/// seed sealed (ChaChaPoly) with a key that lives beside it in the data folder, never inside it: a backup, a snapshot
/// on a USB stick or the evidence pack carries only the sealed bytes. A restore on the same laptop finds the key in
/// `kiosk-data/secrets/`, and the day goes on.
public struct SeedVault: Sendable {
    let key: SymmetricKey
    static let magic = Data("KSEAL1".utf8)
    static let fileName = "seed.key"

    /// The folder of the key: `<data>/secrets/`, readable by the owner only.
    public static func folder(in dataDir: URL) -> URL { dataDir.appendingPathComponent("secrets", isDirectory: true) }

    /// A key that lives only as long as the process (tests, and in-memory databases).
    public static func ephemeral() -> SeedVault { SeedVault(key: SymmetricKey(size: .bits256)) }

    /// The data folder's key, made (owner-only) the first time.
    public static func forDataDir(_ dataDir: URL) throws -> SeedVault {
        let dir = folder(in: dataDir), file = dir.appendingPathComponent(fileName)
        if let bytes = FileManager.default.contents(atPath: file.path) {
            guard bytes.count == 32 else { throw SeedError.badKey(file.path) }
            return SeedVault(key: SymmetricKey(data: bytes))
        }
        let key = SymmetricKey(size: .bits256)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try key.withUnsafeBytes { Data($0) }.write(to: file, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        return SeedVault(key: key)
    }

    func seal(_ seed: Data) throws -> Data {
        Self.magic + (try ChaChaPoly.seal(seed, using: key).combined)
    }

    /// The seed in `stored`: opened when sealed; a seed stored before sealing existed (32 plain bytes) as it is.
    func open(_ stored: Data) throws -> Data {
        guard Self.isSealed(stored) else { return stored }
        do { return try ChaChaPoly.open(try ChaChaPoly.SealedBox(combined: stored.dropFirst(Self.magic.count)), using: key) } catch {
            throw SeedError.cannotOpen
        }
    }

    static func isSealed(_ stored: Data) -> Bool { stored.starts(with: magic) }

    enum SeedError: Error, CustomStringConvertible {
        case badKey(String), cannotOpen
        var description: String {
            switch self {
            case .badKey(let path): "\(path) is not a seed key (32 bytes)"
            case .cannotOpen: "the seed key in kiosk-data/secrets/ is not the one this event's seeds were sealed with"
            }
        }
    }
}

extension AppDatabase {
    static let wheelCommitmentKey = "wheel_commitment"
    static let sealedPrefix = "sealed:"

    static func seedUnavailable(_ error: any Error) -> DomainError {
        DomainError(
            .unavailable, "seed_key_missing",
            "转盘/抽奖的密钥不对：请把原电脑的 kiosk-data/secrets/ 文件夹复制回来 / "
                + "The wheel and draw seeds cannot be opened (\(error)): copy kiosk-data/secrets/ back from the laptop the day started on"
        )
    }

    /// Makes the wheel's seed when the event opens: its commitment in clear, the seed sealed.
    static func createWheelSeed(_ db: Database, vault: SeedVault) throws {
        let seed = randomBytes(32)
        try setSetting(db, wheelCommitmentKey, sha256Hex(seed))
        try setSetting(db, wheelSeedKey, sealedPrefix + (try vault.seal(seed)).base64EncodedString())
    }

    /// The wheel's seed, opened (only spins and the close need it).
    static func wheelSeed(_ db: Database, vault: SeedVault) throws -> Data {
        guard let stored = try setting(db, wheelSeedKey) else {
            throw DomainError(.broken, "no_wheel_seed", "转盘种子缺失 / The wheel has no seed")
        }
        let seed: Data?
        if stored.hasPrefix(sealedPrefix) {
            guard let sealed = Data(base64Encoded: String(stored.dropFirst(sealedPrefix.count))) else {
                throw seedUnavailable(SeedVault.SeedError.cannotOpen)
            }
            do { seed = try vault.open(sealed) } catch { throw seedUnavailable(error) }
        } else {
            seed = Data(hex: stored)
        }
        guard let seed, seed.count == 32 else { throw DomainError(.broken, "no_wheel_seed", "转盘种子损坏 / The wheel's seed is damaged") }
        return seed
    }

    /// The published commitment: kept in clear beside the sealed seed (older databases: worked out from the seed).
    static func wheelCommitment(_ db: Database) throws -> String {
        if let c = try setting(db, wheelCommitmentKey) { return c }
        if let stored = try setting(db, wheelSeedKey), let seed = Data(hex: stored) { return sha256Hex(seed) }
        throw DomainError(.broken, "no_wheel_seed", "转盘种子缺失 / The wheel has no seed")
    }

    /// The revealed seed (hex) once the event is closed, else nil.
    static func revealedWheelSeed(_ db: Database) throws -> String? {
        guard try setting(db, closedKey) != nil, let stored = try setting(db, wheelSeedKey), !stored.hasPrefix(sealedPrefix) else { return nil }
        return stored
    }

    /// Seals seeds that a database made before sealing existed still holds in clear (the wheel's before close, the
    /// draws' before they run). Run when the data folder is opened.
    func sealPlaintextSeeds() throws {
        try dbWriter.write { db in
            if try Self.setting(db, Self.closedKey) == nil, let stored = try Self.setting(db, Self.wheelSeedKey),
                !stored.hasPrefix(Self.sealedPrefix), let seed = Data(hex: stored), seed.count == 32
            {
                try Self.setSetting(db, Self.wheelCommitmentKey, sha256Hex(seed))
                try Self.setSetting(db, Self.wheelSeedKey, Self.sealedPrefix + (try vault.seal(seed)).base64EncodedString())
            }
            for row in try Row.fetchAll(db, sql: "SELECT id, seed FROM draw WHERE state != 'done'") {
                let seed: Data = row["seed"]
                if !SeedVault.isSealed(seed) {
                    try db.execute(sql: "UPDATE draw SET seed = ? WHERE id = ?", arguments: [try vault.seal(seed), row["id"] as Int64])
                }
            }
        }
    }
}
