import Foundation
import Hummingbird
import KioskFormats
import NIOCore

/// Who may call a route: anyone, or a signed-in user with one of these roles. Carried by the route, as data.
enum Access: Sendable {
    case `public`
    case roles(Set<HQRole>)
    static func only(_ roles: HQRole...) -> Access { .roles(Set(roles)) }
}

/// The service's API (CONTRACT "The manufacturer's service"): each route with its method, path and access.
enum HQRoutes {
    typealias Handler = @Sendable (Request, BasicRequestContext, HQUser?) async throws -> Response

    struct Entry: Sendable { let method: HTTPRequest.Method; let path: String; let access: Access }

    static func add(to router: Router<BasicRequestContext>, _ s: HQServices) {
        var table: [Entry] = []
        func on(_ method: HTTPRequest.Method, _ path: String, _ access: Access, _ handler: @escaping Handler) {
            table.append(Entry(method: method, path: path, access: access))
            router.on(RouterPath(path), method: method) { request, context in
                let user = try await authorize(request, access, s.store)
                return try await handler(request, context, user)
            }
        }
        on(.get, "/healthz", .public) { _, _, _ in
            guard await s.store.ping() else { throw HQError.unavailable }
            return try HQJSON.response(["ok": true])
        }
        AccountRoutes.add(on, s)
        IntakeRoutes.add(on, s)
        ViewRoutes.add(on, s)
        CallRoutes.add(on, s)
        let routes = table
        router.get("/api/routes") { _, _ in
            try HQJSON.response(
                routes.map { e -> [String: String] in
                    let roles: String
                    switch e.access {
                    case .public: roles = "public"
                    case .roles(let r): roles = r.map(\.rawValue).sorted().joined(separator: ",")
                    }
                    return ["method": e.method.rawValue, "path": e.path, "roles": roles]
                })
        }
    }

    static func authorize(_ request: Request, _ access: Access, _ store: HQStore) async throws -> HQUser? {
        guard case .roles(let roles) = access else { return nil }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            let user = try await store.user(token: String(header.dropFirst(7)))
        else { throw HQError.unauthorized }
        guard roles.contains(user.role) else { throw HQError.forbidden(user.role) }
        return user
    }

    typealias On = (HTTPRequest.Method, String, Access, @escaping Handler) -> Void
}

// MARK: - Request helpers

extension Request {
    /// The body as JSON of `T`, at most `limit` bytes.
    func json<T: Decodable>(_ type: T.Type, limit: Int = 1 << 20) async throws -> T {
        let buffer = try await body.collect(upTo: limit)
        do { return try HQJSON.decoder.decode(T.self, from: Data(buffer: buffer)) } catch let e as DecodingError {
            throw HQError.bad("请求内容无法读取 / The body is not the JSON this call takes: \(HQErrorMiddleware<BasicRequestContext>.describe(e))")
        }
    }

    func bytes(limit: Int) async throws -> Data {
        if let length = headers[.contentLength].flatMap(Int.init), length > limit {
            throw HQError(.contentTooLarge, "too_large", "上传超过 \(limit >> 20) MB / The upload is over \(limit >> 20) MB")
        }
        do { return Data(buffer: try await body.collect(upTo: limit)) } catch let e as HTTPError where e.status == .contentTooLarge {
            throw HQError(.contentTooLarge, "too_large", "上传超过 \(limit >> 20) MB / The upload is over \(limit >> 20) MB")
        }
    }

    func query(_ name: String) -> String? { uri.queryParameters.get(name).flatMap { $0.isEmpty ? nil : $0 } }
}

/// CSV as a download: UTF-8 with a BOM, as Excel in China reads it.
func csvResponse(_ data: Data, filename: String) -> Response {
    Response(
        status: .ok,
        headers: [
            .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(filename)\"", .cacheControl: "no-store",
        ],
        body: .init(byteBuffer: ByteBuffer(bytes: data)))
}
