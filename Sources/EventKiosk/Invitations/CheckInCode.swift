import Foundation
import KioskFormats

/// An invitee's check-in code: 20 Crockford base-32 symbols = 100 bits from the OS CSPRNG.
/// Upper-case letters and digits only, so a handheld scanner types it the same under any keyboard layout,
/// and the QR code uses its compact alphanumeric-safe form.
public enum CheckInCode {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    public static let length = 20

    public static func generate() -> String {
        let bytes = randomBytes(13)  // 104 bits; the first 100 are used
        var bits = 0, value = 0
        var out = ""
        for byte in bytes {
            value = (value << 8) | Int(byte); bits += 8
            while bits >= 5, out.count < length {
                bits -= 5
                out.append(alphabet[(value >> bits) & 31])
            }
            value &= (1 << bits) - 1
        }
        return out
    }

    /// Finds a code in whatever a scanner typed: the bare code, or a personal link ending in `/c/CODE`.
    /// Lower case and the look-alikes O/I/L are accepted. Returns nil when no well-formed code is there.
    public static func extract(from scanned: String) -> String? {
        guard scanned.utf8.count <= 2_048 else { return nil }
        var text = scanned.trimmingCharacters(in: .whitespacesAndNewlines)
        if let range = text.range(of: "/c/", options: .backwards) { text = String(text[range.upperBound...]) }
        if let q = text.firstIndex(where: { $0 == "?" || $0 == "#" || $0 == "/" }) { text = String(text[..<q]) }
        let mapped = text.uppercased().map { c -> Character in
            switch c {
            case "O": "0";
            case "I", "L": "1";
            default: c
            }
        }
        guard mapped.count == length, mapped.allSatisfy({ alphabet.contains($0) }) else { return nil }
        return String(mapped)
    }
}
