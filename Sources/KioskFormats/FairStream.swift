import Crypto
import Foundation

/// The contract's "fair randomness", exactly: x_i = u64(HMAC-SHA256(key, UTF8(label + ":" + i))) for i = 0, 1, …,
/// and `uniform(m)` by rejection sampling (no modulo bias). Pure and deterministic: anyone with the seed can replay it.
/// The standard library's `random(in:)` is never used for anything a result depends on (its algorithm may change).
public struct FairStream: Sendable {
    public let key: SymmetricKey
    public let label: String
    /// The index of the next `x` to draw.
    public private(set) var index: UInt64 = 0

    /// `seed` is the 32 raw bytes (not their hex text).
    public init(seed: Data, label: String) {
        self.key = SymmetricKey(data: seed)
        self.label = label
    }

    /// The next 64-bit value of the stream.
    public mutating func next() -> UInt64 {
        let message = Data("\(label):\(index)".utf8)
        index += 1
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: key)
        return mac.withUnsafeBytes { raw in raw.prefix(8).reduce(UInt64(0)) { ($0 << 8) | UInt64($1) } }
    }

    /// A uniform integer in 0..<m: draws until x < 2^64 − (2^64 mod m), then returns x mod m.
    public mutating func uniform(_ m: UInt64) -> UInt64 {
        precondition(m > 0, "uniform(m) needs m > 0")
        // 2^64 mod m, computed without overflow: (2^64 − m) mod m == (0 &- m) % m.
        let remainder = (0 &- m) % m
        while true {
            let x = next()
            // x < 2^64 − remainder; when remainder is 0 every x is accepted.
            if remainder == 0 || x < 0 &- remainder { return x % m }
        }
    }
}

/// Pure draw and wheel algorithms on top of `FairStream`.
public enum FairDraw {
    /// Entrants sorted by byte order and joined with "\n"; its SHA-256 is the published digest.
    public static func entrantsDigest(_ entrants: [String]) -> (sorted: [String], digest: String) {
        let sorted = entrants.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        return (sorted, sha256Hex(sorted.joined(separator: "\n")))
    }

    /// The partial Fisher–Yates shuffle of the contract: label = digest + ":" + salt; for k in 0..<picks,
    /// j = k + uniform(count − k), swap k and j. Returns the first `picks` positions, in order.
    public static func shuffle(sorted entrants: [String], digest: String, salt: String, seed: Data, picks: Int) -> [String] {
        var list = entrants
        var stream = FairStream(seed: seed, label: digest + ":" + salt)
        let n = list.count
        for k in 0..<min(picks, n) {
            let j = k + Int(stream.uniform(UInt64(n - k)))
            list.swapAt(k, j)
        }
        return Array(list.prefix(min(picks, n)))
    }

    /// Spin number `s` (1-based) with the remaining stock of each prize in event-file order:
    /// t = uniform(R) on label "spin:s" picks the prize whose cumulative range holds t. Nil when nothing is left.
    public static func spin(number s: Int, remaining: [Int], seed: Data) -> Int? {
        let total = remaining.reduce(0, +)
        guard total > 0 else { return nil }
        var stream = FairStream(seed: seed, label: "spin:\(s)")
        var t = Int(stream.uniform(UInt64(total)))
        for (i, r) in remaining.enumerated() {
            if t < r { return i }
            t -= r
        }
        return nil  // unreachable: t < total
    }
}
