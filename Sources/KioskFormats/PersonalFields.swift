import Foundation

// How a phone, a plate and a name are read and shown, the same on the kiosk and at the manufacturer (issue 25).

/// Mainland mobile numbers: 11 digits starting 1[3-9]; spaces, dashes, dots, brackets and +86/0086 are tolerated.
public enum PhoneNumber {
    public static func normalize(_ raw: String) -> String? {
        var digits = raw.unicodeScalars.filter { !" -.()（）\u{3000}\t".unicodeScalars.contains($0) }.map(Character.init)
        var s = String(digits)
        if s.hasPrefix("+86") {
            s.removeFirst(3)
        } else if s.hasPrefix("0086") {
            s.removeFirst(4)
        } else if s.hasPrefix("86") && s.count == 13 {
            s.removeFirst(2)
        }
        digits = Array(s)
        guard digits.count == 11, digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits[0] == "1",
            let second = digits[1].wholeNumberValue, second >= 3
        else { return nil }
        return s
    }

    /// `138****5678`, for anything public.
    public static func mask(_ phone: String) -> String {
        guard phone.count == 11 else { return String(repeating: "*", count: phone.count) }
        return String(phone.prefix(3)) + "****" + String(phone.suffix(4))
    }
}

/// Licence plates compared without spaces, dots or dashes, in upper case (苏C·12345 → 苏C12345).
public enum Plate {
    public static func normalize(_ raw: String) -> String {
        raw.uppercased().filter { !" ·.-•\u{3000}\t".contains($0) }
    }
}

/// Names shown in public: `张*明`, `张*`.
public enum NameMask {
    public static func mask(_ name: String) -> String {
        let chars = Array(name)
        switch chars.count {
        case 0: return ""
        case 1: return "*"
        case 2: return String(chars[0]) + "*"
        default: return String(chars[0]) + String(repeating: "*", count: chars.count - 2) + String(chars[chars.count - 1])
        }
    }
}
