import Foundation
import Hummingbird
import NIOCore

/// A photo or camera frame posted by a page: checked to be a JPEG or PNG within the size limit, then decoded.
enum ImageInput {
    /// Every QR code in the request's image body. 415 for a body that is not a JPEG or PNG, 413 past the limits.
    static func decodedTexts(_ request: Request, context: AppRequestContext) async throws -> [String] {
        let declared = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let bytes: [UInt8]
        do { bytes = try await request.bodyBytes(context: context) } catch let e as APIError where e.status == .contentTooLarge {
            throw APIError(
                .contentTooLarge, "image_too_large",
                "照片超过 \(AppRequestContext.uploadLimit / 1_048_576) MB / The photo is larger than \(AppRequestContext.uploadLimit / 1_048_576) MB")
        }
        guard !bytes.isEmpty else { throw APIError.badRequest("没有收到照片 / The request has no image in it", code: "no_image") }
        guard let kind = QRDecoder.sniff(bytes) else { throw notAnImage("\(declared ?? "no Content-Type"), but the bytes are not a JPEG or PNG") }
        guard declared == nil || declared == kind || declared == "application/octet-stream" else {
            throw notAnImage("Content-Type \(declared ?? "") with \(kind) bytes")
        }
        let outcome: QRDecoder.Outcome
        do { outcome = try await QRDecoder.decodeOffLoop(image: bytes) } catch is DecodeGate.Busy {
            throw APIError(
                .serviceUnavailable, "decoder_busy", "笔记本正在识别很多照片，请几秒后再拍 / The laptop is reading many photos: try again in a few seconds",
                headers: [.retryAfter: "3"])
        }
        switch outcome {
        case .texts(let texts): return texts
        case .notAnImage: throw notAnImage("a \(kind) that cannot be read: damaged or cut off")
        case .tooLarge(let w, let h):
            let mp = QRDecoder.maxPixels / 1_000_000
            throw APIError(
                .contentTooLarge, "image_too_large",
                "照片像素太多（\(w)×\(h)），最多 \(mp) 百万像素 / "
                    + "The photo has too many pixels (\(w)×\(h)); at most \(mp) megapixels")
        }
    }

    static func notAnImage(_ got: String) -> APIError {
        APIError(.unsupportedMediaType, "not_an_image", "请发送 JPEG 或 PNG 照片 / Send a JPEG or PNG photo (got \(got))")
    }
}
