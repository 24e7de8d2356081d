import Crypto
import Foundation

/// The kiosk's signing key (issue 25): an Ed25519 key made at the first start and kept beside the seed key in
/// `<data>/secrets/kiosk.key`, owner only; never served, exported or backed up. What leaves the laptop for the
/// manufacturer (checkpoints, packs) is signed with it, so a log rebuilt later cannot pass for the one it signed.
public struct KioskIdentity: Sendable {
    let signer: NoteSigner
    /// The enrolment and the signed checkpoints, kept beside the key (`KioskKeep`).
    public let keep: KioskKeep
    static let fileName = "kiosk.key"

    init(privateKey: Curve25519.Signing.PrivateKey, folder: URL? = nil) {
        signer = NoteSigner(name: KioskKey.name(publicKey: privateKey.publicKey.rawRepresentation), privateKey: privateKey)
        keep = KioskKeep(folder: folder)
    }

    public var publicKey: Data { signer.key.publicKey }
    public var kioskID: String { KioskKey.kioskID(publicKey: publicKey) }
    /// `eventkiosk/<kiosk_id>`: the key name and the first line of everything it signs.
    public var origin: String { signer.key.name }
    public var noteKey: NoteKey { signer.key }

    /// A key that lives only as long as the process (tests, in-memory databases).
    public static func ephemeral() -> KioskIdentity { KioskIdentity(privateKey: Curve25519.Signing.PrivateKey()) }

    /// The data folder's key, made (owner-only) the first time.
    public static func forDataDir(_ dataDir: URL) throws -> KioskIdentity {
        let dir = SeedVault.folder(in: dataDir), file = dir.appendingPathComponent(fileName)
        if let bytes = FileManager.default.contents(atPath: file.path) {
            guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes) else {
                throw DomainError(.broken, "bad_kiosk_key", "本机签名密钥已损坏 / \(file.path) is not a kiosk key")
            }
            return KioskIdentity(privateKey: key, folder: dir)
        }
        let key = Curve25519.Signing.PrivateKey()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try key.rawRepresentation.write(to: file, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        return KioskIdentity(privateKey: key, folder: dir)
    }

    /// `text` as a note signed by this kiosk.
    func sign(_ text: String) throws -> String { try SignedNote.sign(text, with: signer) }
}
