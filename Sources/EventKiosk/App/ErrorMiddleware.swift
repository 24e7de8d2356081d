import Foundation
import Hummingbird
import Logging

/// Turns every error into the contract's JSON shape; anything unexpected becomes a logged 500.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPResponseError {
            // Framework errors (413 body too large, 404 no route, 400 bad JSON …) get our JSON shape too.
            return Response.json(ErrorBody(error: Self.code(for: error.status), message: Self.message(for: error)), status: error.status)
        } catch let error as DecodingError {
            return Response.json(ErrorBody(error: "invalid_json", message: "请求内容无效 / Invalid request body: \(Self.describe(error))"), status: .badRequest)
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            return Response.json(ErrorBody(error: "internal", message: "服务器内部错误，已记录 / Internal error, it has been logged"), status: .internalServerError)
        }
    }

    struct ErrorBody: Encodable { let error: String; let message: String }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "bad_request"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 413: "too_large"
        case 429: "too_many_requests"
        default: "http_\(status.code)"
        }
    }

    static func message(for error: HTTPResponseError) -> String {
        switch error.status.code {
        case 404: return "没有这个地址 / No such route"
        case 413: return "上传内容过大 / Upload is too large (limit \(AppRequestContext.uploadLimit / 1_048_576) MB)"
        default:
            if let e = error as? HTTPError, let body = e.body { return body }
            return error.status.reasonPhrase
        }
    }

    /// Names the field a decoding error is about, so the caller knows what to fix.
    static func describe(_ error: DecodingError) -> String {
        func path(_ p: [CodingKey]) -> String { p.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") }
        switch error {
        case .keyNotFound(let key, let ctx): return "missing field \(path(ctx.codingPath + [key]))"
        case .typeMismatch(_, let ctx): return "wrong type at \(path(ctx.codingPath))"
        case .valueNotFound(_, let ctx): return "missing value at \(path(ctx.codingPath))"
        case .dataCorrupted(let ctx): return ctx.codingPath.isEmpty ? "not valid JSON" : "bad value at \(path(ctx.codingPath))"
        @unknown default: return "not valid JSON"
        }
    }
}
