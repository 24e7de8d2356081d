import Foundation
import Hummingbird
import KioskFormats

/// Every refusal of the manufacturer's service: `{"error": "<code>", "message": "<human text>"}`, with the checks a
/// refused pack failed as `problems`.
public struct HQError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    public let problems: [PackProblem]?

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, problems: [PackProblem]? = nil) {
        self.status = status; self.code = code; self.message = message; self.problems = problems
    }

    public var description: String { "\(code): \(message)" }

    struct Body: Encodable { let error: String; let message: String; let problems: [PackProblem]? }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try HQJSON.encoder.encode(Body(error: code, message: message, problems: problems))
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func bad(_ message: String, code: String = "bad_request") -> HQError { HQError(.badRequest, code, message) }
    static func invalid(_ code: String, _ message: String) -> HQError { HQError(.unprocessableContent, code, message) }
    static func notFound(_ message: String) -> HQError { HQError(.notFound, "not_found", message) }
    static let unauthorized = HQError(.unauthorized, "unauthorized", "请先登录 / Sign in first: missing or expired token")
    static func forbidden(_ role: HQRole) -> HQError {
        HQError(.forbidden, "forbidden", "角色「\(role.rawValue)」无权执行此操作 / Role \(role.rawValue) may not do this")
    }
    static let unavailable = HQError(.serviceUnavailable, "database_unavailable", "数据库暂时无法访问，请稍后重试 / The database cannot be reached; try again")
}

/// JSON as the contract writes it: snake_case keys, sorted, RFC 3339 times.
enum HQJSON {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(Stamp.text(date))
        }
        return e
    }()
    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        return d
    }()

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
