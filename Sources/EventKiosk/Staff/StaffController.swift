import Foundation
import Hummingbird

/// Sign-in and the staff list.
struct StaffController {
    let db: AppDatabase
    let gate: LoginGate

    func register(on api: APIRouter) {
        api.post("/api/login", .everyone, login)
        api.post("/api/logout", .staff, logout)
        api.get("/api/me", .staff) { _, context in .json(try context.requireStaff().view) }
        api.get("/api/staff", .admin) { _, _ in .json(try await db.listStaff()) }
        api.post("/api/staff", .admin, addStaff)
        api.put("/api/staff/{id}/pin", .admin) { request, context in
            .json(try await db.changePIN(id: try context.id(), pin: try await request.decodeJSON(as: LoginRequest.self, context: context).pin))
        }
        api.delete("/api/staff/{id}", .admin) { _, context in
            try await db.removeStaff(id: try context.id())
            return .json(["removed": true])
        }
    }

    struct LoginRequest: Decodable { let pin: String }
    struct LoginResponse: Encodable { let token: String; let role: Role; let name: String; let expiresAt: Date }

    /// Exchanges a PIN for a bearer token; wrong PINs are slowed down, then locked out (429).
    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(as: LoginRequest.self, context: context)
        let client = context.clientAddress
        switch await gate.decide(client: client) {
        case .locked(let until):
            let seconds = max(1, Int(until.timeIntervalSinceNow.rounded(.up)))
            throw APIError(.tooManyRequests, "locked", "PIN 错误次数过多，请 \(seconds) 秒后再试 / Too many wrong PINs; try again in \(seconds) s",
                           extra: ["retry_after": .int(seconds)], headers: [.retryAfter: "\(seconds)"])
        case .delay(let seconds):
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        case .allow:
            break
        }
        guard let (token, session) = try await db.login(pin: body.pin) else {
            await gate.failed(client: client)
            throw APIError(.unauthorized, "wrong_pin", "PIN 不正确 / Wrong PIN")
        }
        await gate.succeeded(client: client)
        context.logger.info("login", metadata: ["staff": "\(session.staffID)", "role": "\(session.role.rawValue)"])
        var response = Response.json(LoginResponse(token: token, role: session.role, name: session.name,
                                                   expiresAt: Date().addingTimeInterval(AppDatabase.sessionLifetime)))
        response.setCookie(.init(name: "kiosk_token", value: token, maxAge: Int(AppDatabase.sessionLifetime), path: "/",
                                 httpOnly: true, sameSite: .strict))
        return response
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let token = AuthMiddleware.bearerToken(request) { try await db.logout(token: token) }
        return .json(["signed_out": true])
    }

    struct AddStaffRequest: Decodable { let name: String; let role: String; let pin: String }

    /// Adds a staff member (admin only); the PIN is hashed and never shown again.
    @Sendable func addStaff(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(as: AddStaffRequest.self, context: context)
        guard let role = Role(rawValue: body.role) else {
            throw APIError(.unprocessableContent, "invalid_role",
                           "角色无效 / Unknown role \"\(body.role)\"; use one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let view = try await db.addStaff(name: body.name, role: role, pin: body.pin)
        return .json(view, status: .created)
    }
}

extension StaffSession {
    struct View: Encodable { let id: Int64; let name: String; let role: Role }
    var view: View { View(id: staffID, name: name, role: role) }
}
