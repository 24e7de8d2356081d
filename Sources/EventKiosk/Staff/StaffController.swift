import Foundation
import Hummingbird

/// Sign-in and the staff list.
struct StaffController {
    let db: AppDatabase
    let gate: LoginGate
    /// The HTTPS port, when HTTPS is on: sign-in cookies set there are `Secure`.
    var httpsPort: Int? = nil

    func register(on api: APIRouter) {
        api.post("/api/login", .everyone, login)
        api.post("/api/logout", .staff, logout)
        api.get("/api/me", .staff) { _, context in .json(try context.requireStaff().view) }
        api.get("/api/staff", .admin) { _, _ in .json(try await db.listStaff()) }
        // Names and roles only, for the start page's "pick your name, then type your PIN".
        api.get("/api/staff/names", .everyone) { _, _ in .json(try await db.listStaff().map { NameView(id: $0.id, name: $0.name, role: $0.role) }) }
        api.get("/api/login/alert", .admin) { _, _ in .json(await gate.alert()) }
        api.post("/api/staff", .admin, addStaff)
        api.put("/api/staff/{id}/pin", .admin) { request, context in
            .json(try await db.changePIN(id: try context.id(), pin: try await request.decodeJSON(as: LoginRequest.self, context: context).pin))
        }
        api.delete("/api/staff/{id}", .admin) { _, context in
            try await db.removeStaff(id: try context.id())
            return .json(["removed": true])
        }
    }

    /// `staff_id` is optional: a PIN alone is checked against every active account, and costs that many checks.
    struct LoginRequest: Decodable { let pin: String; let staffId: Int64? }
    struct LoginResponse: Encodable { let token: String; let role: Role; let name: String; let expiresAt: Date }

    /// Exchanges a PIN for a bearer token. Each try is counted before it is checked (LoginThrottle): wrong PINs are
    /// slowed down, then locked out (429); PIN hashing runs off the database writer. A device that has signed this
    /// staff member in before (its `kiosk_device` cookie) is never paused by other people's guessing.
    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(as: LoginRequest.self, context: context)
        let client = context.clientAddress
        let accounts = try await db.activeStaffCount()
        let device = request.cookies[Self.deviceCookie]?.value
        let target: LoginThrottle.Target
        if let id = body.staffId {
            target = .account(id, accounts: accounts, trusted: try await db.isTrusted(device: device, for: id))
        } else {
            target = .anyAccount(accounts: accounts)
        }
        switch await gate.admit(client: client, target: target) {
        case .locked(let until):
            let seconds = max(1, Int(until.timeIntervalSinceNow.rounded(.up)))
            throw APIError(
                .tooManyRequests, "locked", "PIN 错误次数过多，请 \(seconds) 秒后再试 / Too many wrong PINs; try again in \(seconds) s",
                extra: ["retry_after": .int(seconds)], headers: [.retryAfter: "\(seconds)"])
        case .paused(let until):
            let seconds = max(1, Int(until.timeIntervalSinceNow.rounded(.up)))
            throw APIError(
                .tooManyRequests, "sign_in_paused",
                "有人在猜 PIN，只输 PIN 的登录暂停 \(seconds) 秒：请先选自己的名字再输 PIN / "
                    + "Someone is guessing PINs: sign-in by PIN alone is paused for \(seconds) s; pick your name first, then type your PIN",
                extra: ["retry_after": .int(seconds)], headers: [.retryAfter: "\(seconds)"])
        case .accountPaused(let until):
            let seconds = max(1, Int(until.timeIntervalSinceNow.rounded(.up)))
            throw APIError(
                .tooManyRequests, "account_paused",
                "有人在猜这位员工的 PIN，新设备上的登录暂停 \(seconds) 秒；在平时用的设备上可以照常登录，或请管理员处理 / "
                    + "Someone is guessing this person's PIN: sign-in from a new device is paused for \(seconds) s; "
                    + "the device they usually use still signs in, or ask the admin",
                extra: ["retry_after": .int(seconds)], headers: [.retryAfter: "\(seconds)"])
        case .delay(let seconds):
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        case .allow:
            break
        }
        let result: AppDatabase.SignIn?
        do { result = try await db.login(pin: body.pin, staffID: body.staffId, device: device) } catch {
            await gate.released(client: client, target: target)
            throw error
        }
        guard let result else {
            await gate.failed(client: client, target: target)
            context.logger.warning("wrong PIN", metadata: ["client": "\(client)"])
            throw APIError(.unauthorized, "wrong_pin", "PIN 不正确 / Wrong PIN")
        }
        await gate.succeeded(client: client, target: target)
        let session = result.session
        context.logger.info("login", metadata: ["staff": "\(session.staffID)", "role": "\(session.role.rawValue)"])
        var response = Response.json(
            LoginResponse(
                token: result.token, role: session.role, name: session.name,
                expiresAt: db.now().addingTimeInterval(AppDatabase.sessionLifetime)))
        for cookie in signInCookies(token: result.token, device: result.deviceToken, port: context.localPort) { response.setCookie(cookie) }
        return response
    }

    /// The sign-in cookie and, for a device not yet trusted, the device cookie: `Secure` when the sign-in came over
    /// HTTPS, so the browser never sends them back over plain HTTP (issue 23).
    func signInCookies(token: String, device: String?, port: Int?) -> [Cookie] {
        let secure = httpsPort != nil && port == httpsPort
        var cookies: [Cookie] = [
            .init(name: "kiosk_token", value: token, maxAge: Int(AppDatabase.sessionLifetime), path: "/", secure: secure, httpOnly: true, sameSite: .strict)
        ]
        if let device {
            cookies.append(
                .init(name: Self.deviceCookie, value: device, maxAge: 90 * 24 * 3600, path: "/api/login", secure: secure, httpOnly: true, sameSite: .strict))
        }
        return cookies
    }

    /// The cookie that marks a device as one a staff member has signed in on before.
    static let deviceCookie = "kiosk_device"

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let token = AuthMiddleware.bearerToken(request) { try await db.logout(token: token) }
        return .json(["signed_out": true])
    }

    struct AddStaffRequest: Decodable { let name: String; let role: String; let pin: String }

    /// Adds a staff member (admin only); the PIN is hashed and never shown again.
    @Sendable func addStaff(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(as: AddStaffRequest.self, context: context)
        guard let role = Role(rawValue: body.role) else {
            throw APIError(
                .unprocessableContent, "invalid_role",
                "角色无效 / Unknown role \"\(body.role)\"; use one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let view = try await db.addStaff(name: body.name, role: role, pin: body.pin)
        return .json(view, status: .created)
    }
}

struct NameView: Encodable { let id: Int64; let name: String; let role: Role }

extension StaffSession {
    struct View: Encodable { let id: Int64; let name: String; let role: Role }
    var view: View { View(id: staffID, name: name, role: role) }
}
