import Crypto
import Foundation
import _CryptoExtras

/// Slow salted hashing of secrets people type (the kiosk's PINs, the manufacturer's passwords): PBKDF2-HMAC-SHA256,
/// compared in constant time; salts and tokens from the OS CSPRNG.
public enum SlowHash {
    public static func hash(_ secret: String, salt: Data, rounds: Int) -> Data {
        // PBKDF2 with SHA-256 and 32 output bytes cannot fail for any input; a failure would be a broken library.
        guard
            let key = try? KDF.Insecure.PBKDF2.deriveKey(
                from: Data(secret.utf8), salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: rounds)
        else { preconditionFailure("PBKDF2-HMAC-SHA256 failed") }
        return key.withUnsafeBytes { Data($0) }
    }

    public static func verify(_ secret: String, hash: Data, salt: Data, rounds: Int) -> Bool {
        let candidate = self.hash(secret, salt: salt, rounds: rounds)
        guard candidate.count == hash.count else { return false }
        return zip(candidate, hash).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Bytes from the OS CSPRNG (SystemRandomNumberGenerator reads getrandom(2) on Linux).
public func randomBytes(_ count: Int) -> Data {
    var rng = SystemRandomNumberGenerator()
    return Data((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &rng) })
}
