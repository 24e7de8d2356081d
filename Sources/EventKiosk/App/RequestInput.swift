import Foundation
import Hummingbird

/// Checks of request input that several features share: the client nonce that makes a write idempotent,
/// and list paging.
enum RequestInput {
    static func nonce(_ nonce: String?) throws -> String {
        guard let nonce = nonce?.trimmed, (8...64).contains(nonce.count),
            nonce.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else {
            throw APIError(.badRequest, "invalid_nonce", "nonce 须为 8–64 位字母数字（如 UUID）/ nonce must be 8 to 64 letters, digits or dashes (a UUID)")
        }
        return nonce
    }

    static func paging(_ request: Request) throws -> (limit: Int, offset: Int) {
        let params = request.uri.queryParameters
        var limit = 100, offset = 0
        if let raw = params.get("limit") {
            guard let n = Int(raw), (1...10_000).contains(n) else { throw APIError.badRequest("limit 须为 1–10000 / limit must be 1 to 10000") }
            limit = n
        }
        if let raw = params.get("offset") {
            guard let n = Int(raw), n >= 0 else { throw APIError.badRequest("offset 须为非负整数 / offset must be 0 or more") }
            offset = n
        }
        return (limit, offset)
    }

    /// When a scan was made on a tablet that could not reach the laptop: RFC 3339 (with or without fractions of a
    /// second, as JavaScript's `toISOString()` writes it), not in the future (2 minutes' clock drift allowed) and
    /// at most 24 hours back.
    static func scannedAt(_ text: String?, now: Date) throws -> Date? {
        guard let text = text?.trimmed, !text.isEmpty else { return nil }
        guard let date = AppDatabase.stamp(text) ?? ISO8601DateFormatter().date(from: text) else {
            throw APIError(
                .unprocessableContent, "invalid_scanned_at",
                "scanned_at 须为 RFC 3339 时间 / "
                    + "scanned_at must be an RFC 3339 time, got \(text.prefix(40))"
            )
        }
        guard date <= now.addingTimeInterval(120) else {
            throw APIError(
                .unprocessableContent, "invalid_scanned_at",
                "扫码时间在未来：请检查平板的时钟 / "
                    + "scanned_at is in the future: check the tablet's clock")
        }
        guard date >= now.addingTimeInterval(-24 * 3600) else {
            throw APIError(.unprocessableContent, "invalid_scanned_at", "扫码时间超过 24 小时 / scanned_at is more than 24 hours ago")
        }
        return date
    }
}
