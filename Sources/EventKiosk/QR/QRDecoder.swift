import CQRDecode
import Foundation
import NIOPosix

/// Reads QR codes from photos and camera frames on the laptop (ZXing-C++), so every tablet and phone can scan
/// with its camera, whether or not its browser has a barcode reader of its own.
public enum QRDecoder {
    /// Photos are shrunk so their longer side is at most this before decoding (a 12-megapixel photo of a card
    /// holds far more pixels than its code needs); nothing is found → tried once more at twice the size.
    public static let maxSide: Int32 = 1_600
    /// More pixels than this is refused before decoding. A phone photo is 12 MP; decoding holds about 4 bytes a pixel,
    /// so one decode stays under 100 MB and `DecodeGate.slots` of them fit the laptop (issue 23: 16 parallel decodes of
    /// a 50 MP picture took the server to 590 MB).
    public static let maxPixels = 24_000_000

    public enum Outcome: Sendable, Equatable {
        /// Every distinct code found (possibly none).
        case texts([String])
        case notAnImage
        case tooLarge(width: Int, height: Int)
    }

    /// Decodes a JPEG or PNG. Blocking: call `decodeOffLoop` from a request handler.
    public static func decode(image bytes: [UInt8]) -> Outcome {
        var result = kiosk_qr_result()
        bytes.withUnsafeBufferPointer { buffer in
            kiosk_qr_decode_image(buffer.baseAddress, buffer.count, maxSide, maxPixels, &result)
        }
        defer { kiosk_qr_free(&result) }
        switch result.status {
        case Int32(KIOSK_QR_NOT_IMAGE.rawValue): return .notAnImage
        case Int32(KIOSK_QR_TOO_LARGE.rawValue): return .tooLarge(width: Int(result.width), height: Int(result.height))
        default: return .texts(texts(of: &result))
        }
    }

    /// Decodes grey pixels (one byte each, row after row).
    public static func decode(grey: [UInt8], width: Int, height: Int) -> [String] {
        guard width > 0, height > 0, grey.count >= width * height else { return [] }
        var result = kiosk_qr_result()
        grey.withUnsafeBufferPointer { kiosk_qr_decode_grey($0.baseAddress, Int32(width), Int32(height), Int32(width), &result) }
        defer { kiosk_qr_free(&result) }
        return texts(of: &result)
    }

    /// Decodes on NIO's blocking thread pool, so a 100 ms photo never holds an event loop or Swift's cooperative pool,
    /// at most `DecodeGate.slots` at a time.
    public static func decodeOffLoop(image bytes: [UInt8]) async throws -> Outcome {
        try await DecodeGate.shared.run { try await NIOThreadPool.singleton.runIfActive { decode(image: bytes) } }
    }

    private static func texts(of result: inout kiosk_qr_result) -> [String] {
        let count = Int(result.count)
        return withUnsafeBytes(of: &result.texts) { textsRaw in
            withUnsafeBytes(of: &result.lengths) { lengthsRaw in
                let texts = textsRaw.bindMemory(to: UnsafeMutablePointer<CChar>?.self)
                let lengths = lengthsRaw.bindMemory(to: Int.self)
                return (0..<count).compactMap { i in
                    guard let p = texts[i] else { return nil }
                    return String(decoding: UnsafeRawBufferPointer(start: p, count: lengths[i]), as: UTF8.self)
                }
            }
        }
    }

    /// What kind of image the first bytes say this is: "image/jpeg", "image/png", or nil.
    public static func sniff(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        return nil
    }
}

/// At most `slots` pictures are decoded at once; a few more wait their turn, and beyond that the caller is told the
/// laptop is busy (503) instead of holding every photo in memory.
public actor DecodeGate {
    public static let shared = DecodeGate(slots: 2, waiting: 16)
    let slots: Int
    let maxWaiting: Int
    private var running = 0
    private var queue: [CheckedContinuation<Void, Never>] = []

    public init(slots: Int, waiting: Int) { self.slots = slots; self.maxWaiting = waiting }

    public struct Busy: Error, Sendable {}

    public func run<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> T {
        if running >= slots {
            guard queue.count < maxWaiting else { throw Busy() }
            await withCheckedContinuation { queue.append($0) }
        } else {
            running += 1
        }
        defer {
            if queue.isEmpty { running -= 1 } else { queue.removeFirst().resume() }  // the slot passes straight on
        }
        return try await work()
    }

    /// Decodes running now (for tests and the bench).
    public var inUse: Int { running }
}
