import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Logging

/// Turns every error into the contract's JSON shape; anything unexpected becomes a logged 500.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as DomainError {
            return try APIError(error).response(from: request, context: context)
        } catch let error as HTTPResponseError {
            // Framework errors (413 body too large, 404 no route, 400 bad JSON …) get our JSON shape too.
            return Response.json(ErrorBody(error: Self.code(for: error.status), message: Self.message(for: error)), status: error.status)
        } catch let error as DatabaseError where StorageTrouble(error) != nil {
            // The disk is full or the data folder turned read-only: SQLite rolled the write back, the file is intact,
            // and reads still work. Say so plainly; the door tablets keep the scan and send it again.
            let trouble = StorageTrouble(error)!
            context.logger.critical("STORAGE: \(trouble.log)", metadata: ["sqlite": "\(error.resultCode)", "path": "\(request.uri.path)"])
            return Response.json(ErrorBody(error: trouble.code, message: trouble.message), status: trouble.status)
        } catch let error as DecodingError {
            return Response.json(
                ErrorBody(error: "invalid_json", message: "请求内容无效 / Invalid request body: \(Self.describe(error))"), status: .badRequest)
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            return Response.json(
                ErrorBody(error: "internal", message: "服务器内部错误，已记录 / Internal error, it has been logged"), status: .internalServerError)
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

/// A write refused by the disk rather than by the data: the one failure staff can fix (free space, another folder).
struct StorageTrouble {
    let code: String
    let message: String
    let log: String
    let status: HTTPResponse.Status

    init?(_ error: DatabaseError) {
        switch error.resultCode {
        case .SQLITE_FULL:
            code = "disk_full"; status = .init(code: 507, reasonPhrase: "Insufficient Storage")
            message =
                "笔记本磁盘已满，这次没有保存。请删除无用文件或换盘后重试；已保存的数据完好，查询照常 / "
                + "The laptop's disk is full: this was not saved. Free some space and try again; everything saved so far is intact and can still be viewed"
            log = "disk full: writes are refused until space is freed (reads still served, nothing saved was lost)"
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_IOERR, .SQLITE_PERM:
            code = "storage_read_only"; status = .serviceUnavailable
            message =
                "数据文件夹现在无法写入，这次没有保存。请检查磁盘或 U 盘；已保存的数据完好，查询照常 / "
                + "The data folder cannot be written now: this was not saved. Check the disk; everything saved so far is intact and can still be viewed"
            log = "data folder cannot be written (\(error.resultCode)): writes are refused (reads still served)"
        default:
            return nil
        }
    }
}

/// In read-only mode every answer carries `X-Kiosk-Storage: read-only`, so each page can say at once that nothing
/// can be saved, before anyone tries.
struct StorageNoticeMiddleware<Context: RequestContext>: RouterMiddleware {
    static var header: HTTPField.Name { HTTPField.Name("X-Kiosk-Storage")! }
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[Self.header] = "read-only"
        return response
    }
}
