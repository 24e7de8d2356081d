import Foundation
import KioskFormats
import NIOPosix

/// PINs through the shared slow salted hash (KioskFormats `SlowHash`, PBKDF2-HMAC-SHA256).
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

    static func hash(pin: String, salt: Data) -> Data { SlowHash.hash(pin, salt: salt, rounds: rounds) }

    static func newSalt() -> Data { randomBytes(16) }

    static func verify(pin: String, hash: Data, salt: Data) -> Bool { SlowHash.verify(pin, hash: hash, salt: salt, rounds: rounds) }

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
