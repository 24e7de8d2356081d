import Crypto
import Foundation

// The small helpers both sides lean on: hex text of bytes and SHA-256 as hex. They moved here from the kiosk
// (issue 25) so that the manufacturer's service computes them the one same way.

extension Sequence where Element == UInt8 {
    /// Lower-case hex. Written out by hand: `String(format:)` per byte showed up in the check-in profile (issue 8).
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(underestimatedCount * 2)
        for byte in self { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 0x0f)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Data {
    /// Bytes from lowercase or uppercase hex; nil if not hex.
    public init?(hex: String) {
        guard hex.count % 2 == 0 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(hex.count / 2)
        var it = hex.makeIterator()
        while let a = it.next(), let b = it.next() {
            guard let byte = UInt8(String([a, b]), radix: 16) else { return nil }
            bytes.append(byte)
        }
        self.init(bytes)
    }
}

/// SHA-256 of a text's UTF-8 as lowercase hex.
public func sha256Hex(_ text: String) -> String { Array(SHA256.hash(data: Data(text.utf8))).hexString }

/// SHA-256 of raw bytes as lowercase hex (the commitment of a seed, a file's hash in a pack).
public func sha256Hex(_ data: Data) -> String { Array(SHA256.hash(data: data)).hexString }
