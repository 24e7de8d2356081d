import Foundation
import Hummingbird
import NIOCore

/// Per-request state: the signed-in staff member (if any) and the caller's address for throttling.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `AuthMiddleware` when a valid bearer token came with the request.
    public var staff: StaffSession?
    /// The peer's IP address, or "local" when there is no socket (in-process tests).
    public let clientAddress: String
    /// The port the request came in on (HTTP or HTTPS), nil in in-process tests.
    public let localPort: Int?

    /// Largest request body of any route. A 5,000-row CSV is about 400 kB; 8 MB leaves room for photos.
    /// Each route reads at most what it needs (`BodyLimit`): small JSON stays small.
    public static let uploadLimit = BodyLimit.upload
    public var maxUploadSize: Int { Self.uploadLimit }

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress ?? "local"
        self.localPort = source.channel.localAddress?.port
    }

    /// The signed-in staff member, or 401 when there is none.
    func requireStaff() throws -> StaffSession {
        guard let staff else { throw APIError.unauthorized }
        return staff
    }

    /// The signed-in staff member if their role is one of `roles` (admin may always), else 401/403.
    @discardableResult
    func require(_ access: Access) throws -> StaffSession {
        let staff = try requireStaff()
        guard access.allows(staff.role) else { throw APIError.forbidden(staff.role.rawValue) }
        return staff
    }
}

/// How much of a request body a route reads (413 `too_large` beyond it).
public enum BodyLimit {
    /// Ordinary JSON: a scan, an order, a sign-in, a survey answer.
    public static let json = 64 * 1024
    /// The whole event, an inspection template.
    public static let document = 1_048_576
    /// Imports, photos, inspections with photos and a signature.
    public static let upload = 8 * 1_048_576
}

extension Request {
    /// Decodes a JSON body with the house coders; a bad body is a 400 that names the field.
    func decodeJSON<T: Decodable>(as type: T.Type, context: AppRequestContext, limit: Int = BodyLimit.json) async throws -> T {
        let buffer = try await collect(limit: limit)
        guard buffer.readableBytes > 0 else { throw APIError.badRequest("请求内容为空 / Request body is empty", code: "invalid_json") }
        do {
            return try JSON.decoder.decode(T.self, from: Data(buffer: buffer))
        } catch let error as DecodingError {
            throw APIError.badRequest(
                "请求内容无效 / "
                    + "Invalid request body: \(ErrorMiddleware<AppRequestContext>.describe(error))", code: "invalid_json")
        }
    }

    /// The raw body bytes, up to `limit` (413 beyond it).
    func bodyBytes(context: AppRequestContext, limit: Int = BodyLimit.upload) async throws -> [UInt8] {
        Array(try await collect(limit: limit).readableBytesView)
    }

    private func collect(limit: Int) async throws -> ByteBuffer {
        do { return try await body.collect(upTo: limit) } catch is NIOTooManyBytesError {
            let size = limit >= 1_048_576 ? "\(limit / 1_048_576) MB" : "\(limit / 1024) kB"
            throw APIError(.contentTooLarge, "too_large", "请求内容超过 \(size) / The request body is larger than \(size), the most this call takes")
        }
    }
}
