import CKioskZlib
import Foundation

/// The smallest PNG writer that a QR code needs: 1-bit greyscale, zlib through the system library.
enum PNGWriter {
    /// `scanlines` holds each row prefixed by its filter byte.
    static func grayscale1Bit(width: Int, height: Int, scanlines: [UInt8]) -> Data {
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var header = Data()
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        header.append(contentsOf: [1, 0, 0, 0, 0])  // bit depth 1, greyscale, deflate, no filter, no interlace
        png.appendChunk("IHDR", header)
        png.appendChunk("IDAT", deflate(scanlines))
        png.appendChunk("IEND", Data())
        return png
    }

    static func deflate(_ input: [UInt8]) -> Data {
        var destLength = compressBound(uLong(input.count))
        var output = [UInt8](repeating: 0, count: Int(destLength))
        let status = input.withUnsafeBufferPointer { src in
            compress2(&output, &destLength, src.baseAddress, uLong(input.count), 6)  // level 9 was slower for the 2,000-code batch and no smaller
        }
        precondition(status == Z_OK, "zlib compress2 failed with \(status)")  // only on out-of-memory
        return Data(output.prefix(Int(destLength)))
    }

    static func crc(_ bytes: Data) -> UInt32 {
        bytes.withUnsafeBytes { buf in
            UInt32(crc32(0, buf.bindMemory(to: UInt8.self).baseAddress, uInt(bytes.count)))
        }
    }
}

private extension Data {
    mutating func appendBigEndian(_ value: UInt32) {
        append(contentsOf: [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)])
    }

    mutating func appendChunk(_ type: String, _ body: Data) {
        appendBigEndian(UInt32(body.count))
        let typed = Data(type.utf8) + body
        append(typed)
        appendBigEndian(PNGWriter.crc(typed))
    }
}
