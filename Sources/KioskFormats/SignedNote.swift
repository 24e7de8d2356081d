import Crypto
import Foundation

/// C2SP signed-note with Ed25519: a text whose lines all end in `\n`, an empty line, then one line per signature,
/// `— <key name> <base64(key ID ‖ signature)>`. The key ID is the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public
/// key); the signature covers the text, its last `\n` included. Verifiers ignore signatures of keys they do not know.
public enum SignedNote {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case malformed(String)
        /// No signature of a key the verifier knows.
        case unknownKey
        /// A signature of a known key that does not verify: the text was changed, or signed by someone else.
        case badSignature(String)

        public var description: String {
            switch self {
            case .malformed(let why): "malformed note: \(why)"
            case .unknownKey: "no signature from a known key"
            case .badSignature(let name): "the signature of \(name) does not verify"
            }
        }
    }

    /// One signature line.
    public struct Signature: Equatable, Sendable {
        public let name: String
        public let keyID: Data
        public let signature: Data
    }

    /// The text and the signature lines of a note.
    public static func parse(_ note: String) throws -> (text: String, signatures: [Signature]) {
        guard note.hasSuffix("\n") else { throw Failure.malformed("it does not end with a newline") }
        guard let split = note.range(of: "\n\n", options: .backwards) else { throw Failure.malformed("no empty line before the signatures") }
        let text = String(note[..<split.lowerBound]) + "\n"
        guard !text.isEmpty, text != "\n" else { throw Failure.malformed("the text is empty") }
        let lines = note[split.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        guard !lines.isEmpty else { throw Failure.malformed("no signature lines") }
        let signatures = try lines.map { line -> Signature in
            guard line.hasPrefix("— ") else { throw Failure.malformed("a signature line must start with \"— \"") }
            let parts = line.dropFirst(2).split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, let blob = Data(base64Encoded: String(parts[1])), blob.count > 4 else {
                throw Failure.malformed("a signature line must be \"— <name> <base64>\"")
            }
            return Signature(name: String(parts[0]), keyID: blob.prefix(4), signature: blob.dropFirst(4))
        }
        return (text, signatures)
    }

    /// The note's text, if a signature of one of `keys` verifies it.
    public static func open(_ note: String, keys: [NoteKey]) throws -> String {
        let (text, signatures) = try parse(note)
        var known = false
        for s in signatures {
            guard let key = keys.first(where: { $0.name == s.name && $0.keyID == s.keyID }) else { continue }
            known = true
            if key.isValid(s.signature, for: text) { return text }
        }
        throw known ? Failure.badSignature(signatures.first { s in keys.contains { $0.name == s.name } }?.name ?? "") : Failure.unknownKey
    }

    /// `text` signed by `signer` as a note.
    public static func sign(_ text: String, with signer: NoteSigner) throws -> String {
        guard text.hasSuffix("\n"), !text.hasSuffix("\n\n") else { throw Failure.malformed("the text must end with exactly one newline") }
        let signature = try signer.privateKey.signature(for: Data(text.utf8))
        return text + "\n" + "— \(signer.key.name) " + (signer.key.keyID + signature).base64EncodedString() + "\n"
    }
}

/// A verifier key: a name and an Ed25519 public key.
public struct NoteKey: Equatable, Sendable {
    public let name: String
    public let publicKey: Data

    public init(name: String, publicKey: Data) { self.name = name; self.publicKey = publicKey }

    /// `name+<key ID, 8 hex>+<base64(0x01 ‖ public key)>`, as C2SP writes a verifier key.
    public init?(vkey: String) {
        let parts = vkey.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, let blob = Data(base64Encoded: String(parts[2])), blob.count == 33, blob.first == 0x01 else {
            return nil
        }
        self.init(name: String(parts[0]), publicKey: blob.dropFirst())
        guard keyID.hexString == parts[1] else { return nil }
    }

    /// The first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key).
    public var keyID: Data { Data(SHA256.hash(data: Data(name.utf8) + [0x0A, 0x01] + publicKey).prefix(4)) }

    public var vkey: String { "\(name)+\(keyID.hexString)+\((Data([0x01]) + publicKey).base64EncodedString())" }

    public func isValid(_ signature: Data, for text: String) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: Data(text.utf8))
    }
}

/// A private key that signs notes under a name.
public struct NoteSigner: Sendable {
    public let privateKey: Curve25519.Signing.PrivateKey
    public let key: NoteKey

    public init(name: String, privateKey: Curve25519.Signing.PrivateKey) {
        self.privateKey = privateKey
        self.key = NoteKey(name: name, publicKey: privateKey.publicKey.rawRepresentation)
    }

    /// C2SP's private key text: `PRIVATE+KEY+<name>+<key ID>+<base64(0x01 ‖ seed)>`.
    public init?(skey: String) {
        let parts = skey.split(separator: "+", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "PRIVATE", parts[1] == "KEY", let blob = Data(base64Encoded: String(parts[4])),
            blob.count == 33, blob.first == 0x01, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: blob.dropFirst())
        else { return nil }
        self.init(name: String(parts[2]), privateKey: key)
        guard self.key.keyID.hexString == parts[3] else { return nil }
    }
}
