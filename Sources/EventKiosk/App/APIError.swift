import Foundation
import Hummingbird

/// The one error shape every `/api` call returns: `{"error": "<code>", "message": "<human text>"}`.
public struct APIError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    public var description: String { "\(code): \(message)" }
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// Extra top-level fields (e.g. a rejection list) merged into the JSON body.
    public let extra: [String: JSONValue]
    public var headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status, _ code: String, _ message: String,
        extra: [String: JSONValue] = [:], headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var body = extra
        body["error"] = .string(code)
        body["message"] = .string(message)
        var response = Response.json(JSONValue.object(body), status: status)
        response.headers.append(contentsOf: headers)
        return response
    }

    /// A domain refusal as the HTTP answer: the one place where a kind of refusal becomes a status.
    init(_ error: DomainError) {
        self.init(error.status, error.code, error.message, extra: error.extra)
    }

    // MARK: - Common cases

    static func badRequest(_ message: String, code: String = "bad_request") -> APIError {
        APIError(.badRequest, code, message)
    }
    static func notFound(_ message: String) -> APIError { APIError(.notFound, "not_found", message) }
    static let unauthorized = APIError(.unauthorized, "unauthorized", "请先登录 / Sign in first: missing or expired token")
    static func forbidden(_ role: String) -> APIError {
        APIError(.forbidden, "forbidden", "角色「\(role)」无权执行此操作 / Role \(role) may not do this")
    }
}

extension DomainError {
    /// The HTTP status for each kind of refusal.
    var status: HTTPResponse.Status {
        switch kind {
        case .invalid: .unprocessableContent
        case .badInput: .badRequest
        case .notFound: .notFound
        case .conflict: .conflict
        case .forbidden: .forbidden
        case .unavailable: .serviceUnavailable
        case .broken: .internalServerError
        case .storageFull: .init(code: 507, reasonPhrase: "Insufficient Storage")
        case .tooMany: .tooManyRequests
        }
    }
}

extension Response {
    /// A JSON response from any encodable value, with snake_case keys and RFC 3339 dates.
    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSON.encoder.encode(value)) ?? Data(#"{"error":"encoding","message":"response could not be encoded"}"#.utf8)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}

/// Shared JSON coders: snake_case on the wire, ISO 8601 (RFC 3339) dates with offset.
enum JSON {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()
    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        d.dateDecodingStrategy = .iso8601
        return d
    }()
}

/// A free-form JSON value, for error extras and pass-through data.
public enum JSONValue: Codable, Sendable, Equatable {
    case string(String), int(Int), double(Double), bool(Bool), null
    case array([JSONValue]), object([String: JSONValue])

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .bool(let b): try c.encode(b)
        case .null: try c.encodeNil()
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int.self) {
            self = .int(i)
        } else if let d = try? c.decode(Double.self) {
            self = .double(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }
}
