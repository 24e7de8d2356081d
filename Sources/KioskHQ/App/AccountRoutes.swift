import Foundation
import Hummingbird
import KioskFormats

/// Sign-in, users, dealers and their enrolment codes, and the campaign file.
enum AccountRoutes {
    struct Login: Decodable { let user: String; let password: String }
    struct NewUser: Decodable { let user: String; let password: String; let role: String; let region: String?; let dealerCode: String? }
    struct NewDealer: Decodable { let code: String; let name: String; let region: String }
    struct Enroll: Decodable { let enrollCode: String; let publicKey: String }

    static func add(_ on: HQRoutes.On, _ s: HQServices) {
        on(.post, "/api/login", .public) { req, _, _ in
            let body = try await req.json(Login.self)
            guard let (token, user) = try await s.store.login(name: body.user, password: body.password) else {
                throw HQError(.unauthorized, "bad_login", "用户名或密码不对 / Wrong user name or password")
            }
            return try HQJSON.response(
                LoginAnswer(token: token, role: user.role.rawValue, user: user.name, region: user.region, dealerCode: user.dealerCode))
        }
        on(.get, "/api/me", .only(.hqAdmin, .region, .agent, .dealer)) { _, _, user in try HQJSON.response(user) }
        on(.post, "/api/users", .only(.hqAdmin)) { req, _, _ in
            let b = try await req.json(NewUser.self)
            guard let role = HQRole(rawValue: b.role) else {
                throw HQError.invalid("bad_role", "role：应为 hq_admin、region、agent 或 dealer / role must be hq_admin, region, agent or dealer")
            }
            guard isName(b.user) else { throw HQError.invalid("bad_user", "user：1–40 个字母、数字、_ . - / user must be 1–40 letters, digits, _ . -") }
            guard b.password.count >= 10, b.password.count <= 200 else {
                throw HQError.invalid("weak_password", "password：至少 10 个字符 / password must be at least 10 characters")
            }
            if role == .region, b.region == nil { throw HQError.invalid("region_required", "region：大区用户需要 region / a region user needs its region") }
            if role == .dealer, b.dealerCode == nil {
                throw HQError.invalid("dealer_required", "dealer_code：经销商用户需要 dealer_code / a dealer user needs its dealer_code")
            }
            try await s.store.addUser(
                name: b.user, password: b.password, role: role, region: role == .region ? b.region : nil,
                dealerCode: role == .dealer ? b.dealerCode : nil)
            return try HQJSON.response(["user": b.user, "role": role.rawValue], status: .created)
        }
        on(.post, "/api/dealers", .only(.hqAdmin)) { req, _, _ in
            let b = try await req.json(NewDealer.self)
            guard b.code.count <= 32, !b.code.isEmpty, b.code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
            else {
                throw HQError.invalid("bad_code", "code：1–32 个字母、数字、_ - / code must be 1–32 letters, digits, _ or -")
            }
            let name = b.name.trimmingCharacters(in: .whitespaces), region = b.region.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.count <= 100 else { throw HQError.invalid("bad_name", "name：不能为空 / name must not be empty") }
            guard !region.isEmpty, region.count <= 50 else { throw HQError.invalid("bad_region", "region：不能为空 / region must not be empty") }
            let (dealer, code) = try await s.store.addDealer(code: b.code, name: name, region: region)
            return try HQJSON.response(NewDealerAnswer(dealer: dealer, enrollCode: code), status: .created)
        }
        on(.get, "/api/dealers", .only(.hqAdmin, .region)) { _, _, user in
            let all = try await s.store.dealers()
            return try HQJSON.response(["dealers": user?.role == .region ? all.filter { $0.region == user?.region } : all])
        }
        on(.post, "/api/dealers/{code}/enroll-codes", .only(.hqAdmin)) { _, ctx, _ in
            let code = ctx.parameters.get("code") ?? ""
            guard let enroll = try await s.store.newEnrollCode(dealer: code) else { throw HQError.notFound("经销商「\(code)」不存在 / No dealer \(code)") }
            return try HQJSON.response(["dealer_code": code, "enroll_code": enroll], status: .created)
        }
        on(.post, "/api/enroll", .public) { req, _, _ in
            let b = try await req.json(Enroll.self)
            guard let key = Data(base64Encoded: b.publicKey), key.count == 32 else {
                throw HQError.invalid("bad_key", "public_key：应为 32 字节 Ed25519 公钥的 base64 / public_key must be base64 of a 32-byte Ed25519 key")
            }
            switch try await s.store.enroll(code: b.enrollCode.uppercased().trimmingCharacters(in: .whitespaces), publicKey: key) {
            case .enrolled(let dealer, let kiosk): return try HQJSON.response(["dealer_code": dealer, "kiosk_id": kiosk], status: .created)
            case .unknownCode: throw HQError(.notFound, "unknown_code", "登记码不存在 / No such enrolment code")
            case .used: throw HQError(.conflict, "code_used", "登记码已用过 / This enrolment code was used already")
            case .keyTaken: throw HQError(.conflict, "key_enrolled", "这台电脑的密钥已登记 / This kiosk's key is enrolled already")
            }
        }
        on(.get, "/api/campaign", .only(.hqAdmin, .region, .agent, .dealer)) { _, _, _ in try HQJSON.response(try await s.campaign()) }
        on(.put, "/api/campaign", .only(.hqAdmin)) { req, _, _ in
            let buffer = try await req.body.collect(upTo: 1 << 20)
            let campaign: Campaign
            do { campaign = try Campaign.load(Data(buffer: buffer)) } catch let e as CampaignError {
                throw HQError.invalid("bad_campaign", e.problems.joined(separator: "；"))
            }
            try await s.store.saveCampaign(campaign)
            return try HQJSON.response(campaign)
        }
    }

    struct LoginAnswer: Encodable { let token: String; let role: String; let user: String; let region: String?; let dealerCode: String? }
    struct NewDealerAnswer: Encodable { let dealer: DealerRecord; let enrollCode: String }

    static func isName(_ s: String) -> Bool {
        (1...40).contains(s.count) && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }
    }
}
