import CQRencode
import Foundation

/// A QR code (libqrencode) as a square matrix of dark/light modules, rendered to SVG or PNG.
public struct QRCode: Sendable {
    /// Modules per side, without the quiet zone.
    public let size: Int
    /// Row-major, `true` = dark.
    public let modules: [Bool]
    /// The quiet zone the standard asks for: 4 modules on each side.
    public static let quietZone = 4

    public enum Failure: Error { case encodingFailed(String) }

    /// Encodes `text` (UTF-8, 8-bit mode) at error-correction level M.
    public init(_ text: String) throws {
        guard !text.isEmpty, text.utf8.count <= 1_000 else { throw Failure.encodingFailed("text must be 1 to 1000 bytes") }
        guard let qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M) else {
            throw Failure.encodingFailed("libqrencode could not encode \(text.utf8.count) bytes")
        }
        defer { QRcode_free(qr) }
        let width = Int(qr.pointee.width)
        let data = UnsafeBufferPointer(start: qr.pointee.data, count: width * width)
        self.size = width
        self.modules = data.map { $0 & 1 == 1 }
    }

    public func isDark(x: Int, y: Int) -> Bool { modules[y * size + x] }

    // MARK: - SVG

    /// A scalable SVG: one path of unit squares, with the quiet zone, crisp at any size.
    public func svg(pixelSize: Int = 256) -> String {
        let total = size + 2 * Self.quietZone
        var path = ""
        path.reserveCapacity(size * size * 4)
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else { x += 1; continue }
                var run = 1
                while x + run < size, isDark(x: x + run, y: y) { run += 1 }
                path += "M\(x + Self.quietZone) \(y + Self.quietZone)h\(run)v1h-\(run)z"
                x += run
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(total) \(total)" width="\(pixelSize)" height="\(pixelSize)" shape-rendering="crispEdges">\
            <rect width="\(total)" height="\(total)" fill="#fff"/><path d="\(path)" fill="#000"/></svg>
            """
    }

    // MARK: - PNG

    /// A 1-bit greyscale PNG with `scale` pixels per module.
    public func png(scale: Int = 8) -> Data {
        let side = (size + 2 * Self.quietZone) * scale
        let rowBytes = (side + 7) / 8
        // Pixel rows repeat `scale` times per module row: build each module row once and copy it (issue 8's QR figure).
        var raw = [UInt8]()
        raw.reserveCapacity((rowBytes + 1) * side)
        for my in -Self.quietZone..<(size + Self.quietZone) {
            var row = [UInt8](repeating: 0, count: rowBytes + 1)  // row[0] = filter: none
            for px in 0..<side {
                let mx = px / scale - Self.quietZone
                let dark = mx >= 0 && my >= 0 && mx < size && my < size && isDark(x: mx, y: my)
                if !dark { row[1 + px / 8] |= 0x80 >> UInt8(px % 8) }  // 1 = white
            }
            for _ in 0..<scale { raw.append(contentsOf: row) }
        }
        return PNGWriter.grayscale1Bit(width: side, height: side, scanlines: raw)
    }
}
