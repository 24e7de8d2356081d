import Hummingbird

/// Checks of request input that several features share: the client nonce that makes a write idempotent,
/// and list paging.
enum RequestInput {
    static func nonce(_ nonce: String?) throws -> String {
        guard let nonce = nonce?.trimmed, (8...64).contains(nonce.count), nonce.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
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
}
