import Hummingbird

/// Attaches the signed-in staff member to the context when a valid bearer token comes with the request.
/// It never refuses by itself: each route states who may call it (`APIRouter`).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let db: AppDatabase

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let token = Self.bearerToken(request) ?? Self.cookieToken(request) {
            context.staff = try await db.session(token: token)
        }
        let actor = context.staff.map { AuditLog.Actor(staffID: $0.staffID, role: $0.role) }
        return try await AuditLog.$actor.withValue(actor) { try await next(request, context) }
    }

    /// Printable pages open by plain navigation, which sends no header; they may use the sign-in cookie.
    /// Only reads accept it, so a cookie can never be used to change data from another site.
    static func cookieToken(_ request: Request) -> String? {
        guard request.method == .get || request.method == .head else { return nil }
        return request.cookies["kiosk_token"]?.value
    }

    static func bearerToken(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1]).trimmed
    }
}
