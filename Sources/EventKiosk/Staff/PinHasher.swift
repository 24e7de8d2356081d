import Crypto
import Foundation
import NIOPosix
import _CryptoExtras

/// Slow salted PIN hashing (PBKDF2-HMAC-SHA256) and random tokens from the OS CSPRNG.
enum PinHasher {
    /// 4-digit PINs are a small space whatever the hash; the rounds slow an offline guess, the login throttle a live one.
    static let rounds = 60_000

    /// PINs are hashed on one thread of their own: a burst of sign-ins takes at most one core, never the database
    /// writer, and the door's scans keep the rest of the laptop.
    static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        return pool
    }()

    static func hash(pin: String, salt: Data) -> Data {
        let key = try! KDF.Insecure.PBKDF2.deriveKey(
            from: Data(pin.utf8), salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: rounds)
        return key.withUnsafeBytes { Data($0) }
    }

    static func newSalt() -> Data { randomBytes(16) }

    static func verify(pin: String, hash: Data, salt: Data) -> Bool {
        let candidate = self.hash(pin: pin, salt: salt)
        // Constant-time compare.
        guard candidate.count == hash.count else { return false }
        return zip(candidate, hash).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// A PIN staff can type on a number pad: 4 to 12 digits (PINs set before the length rule keep working).
    static func isWellFormed(_ pin: String) -> Bool {
        (4...12).contains(pin.count) && pin.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// New PINs are long enough that a day of guessing finds none (README, "Security on the day"): 6 digits for
    /// staff, 8 for admins.
    static func minimumLength(for role: Role) -> Int { role == .admin ? 8 : 6 }

    static func isAcceptedAsNew(_ pin: String, for role: Role) -> Bool {
        isWellFormed(pin) && pin.count >= minimumLength(for: role)
    }
}

/// Bytes from the OS CSPRNG (SystemRandomNumberGenerator reads getrandom(2) on Linux).
func randomBytes(_ count: Int) -> Data {
    var rng = SystemRandomNumberGenerator()
    return Data((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &rng) })
}
