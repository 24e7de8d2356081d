import Foundation
import Hummingbird

/// One `/api` route as registered: its method, path pattern and who may call it.
public struct RouteEntry: Sendable, CustomStringConvertible {
    public let method: HTTPRequest.Method
    public let path: String
    public let access: Access
    public var description: String { "\(method) \(path) [\(access)]" }
}

/// Registers routes together with the roles allowed to call them, and enforces that before the handler runs.
/// Keeping the table lets a test walk every route with every role.
public final class APIRouter: @unchecked Sendable {
    let router: Router<AppRequestContext>
    let closed: ClosedFlag
    public private(set) var entries: [RouteEntry] = []

    init(router: Router<AppRequestContext>, closed: ClosedFlag = ClosedFlag(false)) { self.router = router; self.closed = closed }

    typealias Handler = @Sendable (Request, AppRequestContext) async throws -> Response

    func add(_ method: HTTPRequest.Method, _ path: String, _ access: Access, _ handler: @escaping Handler) {
        entries.append(RouteEntry(method: method, path: path, access: access))
        let refusedAfterClose = ClosedEvent.refusesAfterClose(method, path)
        let isPage = !path.hasPrefix("/api/")
        let wrapped: Handler = { [closed] request, context in
            if case .everyone = access {
            } else {
                do { try context.require(access) } catch let e as APIError where isPage && e.status == .unauthorized {
                    // A staff page opened without a sign-in goes to the start page, and comes back after it.
                    return Self.signInRedirect(request)
                }
            }
            if refusedAfterClose, closed.isClosed { throw ClosedEvent.refused }
            return try await handler(request, context)
        }
        router.on(RouterPath(path), method: method, use: wrapped)
        // HEAD on every page route (the start page asks with HEAD whether a page is there): same status and headers.
        if method == .get, isPage {
            router.on(RouterPath(path), method: .head) { request, context in
                let response: Response
                do { response = try await wrapped(request, context) } catch let error as any HTTPResponseError {
                    response = try error.response(from: request, context: context)
                }
                var headers = response.headers
                headers[.contentLength] = nil
                return Response(status: response.status, headers: headers)
            }
        }
    }

    static func signInRedirect(_ request: Request) -> Response {
        let next = request.uri.path.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "/"
        return Response(status: .seeOther, headers: [.location: "/?next=\(next)", .cacheControl: "no-store"])
    }

    func get(_ path: String, _ access: Access, _ handler: @escaping Handler) { add(.get, path, access, handler) }
    func post(_ path: String, _ access: Access, _ handler: @escaping Handler) { add(.post, path, access, handler) }
    func delete(_ path: String, _ access: Access, _ handler: @escaping Handler) { add(.delete, path, access, handler) }
    func patch(_ path: String, _ access: Access, _ handler: @escaping Handler) { add(.patch, path, access, handler) }
    func put(_ path: String, _ access: Access, _ handler: @escaping Handler) { add(.put, path, access, handler) }
}

extension AppRequestContext {
    /// A path parameter that must be a positive integer id, else 404 (no such thing).
    func id(_ name: String = "id") throws -> Int64 {
        guard let raw = parameters.get(name), let id = Int64(raw), id > 0 else {
            throw APIError.notFound("没有这个编号 / No such id: \(parameters.get(name) ?? "")")
        }
        return id
    }
}
