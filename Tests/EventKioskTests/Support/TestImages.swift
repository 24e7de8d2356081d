import Foundation

@testable import EventKiosk

/// PNG pictures for the decoding tests, drawn from the kiosk's own QR encoder: one card, two cards side by side,
/// a blank sheet, and a picture with more pixels than the decoder takes.
enum TestImages {
    /// A 1-bit greyscale PNG where `dark(x, y)` is black.
    static func png(width: Int, height: Int, dark: (Int, Int) -> Bool) -> Data {
        let rowBytes = (width + 7) / 8
        var lines = [UInt8](repeating: 0, count: (rowBytes + 1) * height)
        for y in 0..<height {
            let base = y * (rowBytes + 1)
            for x in 0..<width where !dark(x, y) { lines[base + 1 + x / 8] |= UInt8(0x80 >> (x % 8)) }
        }
        return PNGWriter.grayscale1Bit(width: width, height: height, scanlines: lines)
    }

    /// QR codes for `texts`, side by side, `scale` pixels a module, with quiet zones.
    static func codes(_ texts: [String], scale: Int = 6) throws -> Data {
        let codes = try texts.map { try QRCode($0) }
        let side = (codes.map(\.size).max() ?? 21) + 2 * QRCode.quietZone
        return png(width: side * scale * codes.count, height: side * scale) { x, y in
            let index = x / (side * scale), mx = (x % (side * scale)) / scale - QRCode.quietZone, my = y / scale - QRCode.quietZone
            let code = codes[index]
            return mx >= 0 && my >= 0 && mx < code.size && my < code.size && code.isDark(x: mx, y: my)
        }
    }

    static func blank(width: Int = 400, height: Int = 300) -> Data { png(width: width, height: height) { _, _ in false } }
}
