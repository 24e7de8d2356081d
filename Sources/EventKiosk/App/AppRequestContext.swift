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

    /// Largest request body accepted. A 5,000-row CSV is about 400 kB; 8 MB leaves room for photos.
    public static let uploadLimit = 8 * 1_048_576
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

extension Request {
    /// Decodes a JSON body with the house coders; a bad body is a 400 that names the field.
    func decodeJSON<T: Decodable>(as type: T.Type, context: AppRequestContext) async throws -> T {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { throw APIError.badRequest("请求内容为空 / Request body is empty", code: "invalid_json") }
        do {
            return try JSON.decoder.decode(T.self, from: Data(buffer: buffer))
        } catch let error as DecodingError {
            throw APIError.badRequest("请求内容无效 / Invalid request body: \(ErrorMiddleware<AppRequestContext>.describe(error))", code: "invalid_json")
        }
    }

    /// The raw body bytes, up to the upload limit (413 beyond it).
    func bodyBytes(context: AppRequestContext) async throws -> [UInt8] {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        return Array(buffer.readableBytesView)
    }
}
