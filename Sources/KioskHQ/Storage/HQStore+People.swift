import Foundation
import KioskFormats
import PostgresNIO

/// A signed-in user of the manufacturer's service.
public struct HQUser: Sendable, Equatable, Codable {
    public let name: String
    public let role: HQRole
    public let region: String?
    public let dealerCode: String?
}

public enum HQRole: String, Codable, Sendable, CaseIterable {
    case hqAdmin = "hq_admin", region, agent, dealer
}

public struct DealerRecord: Sendable, Codable, Equatable {
    public let code: String
    public let name: String
    public let region: String
}

/// A kiosk the manufacturer has enrolled: its key and its dealer.
public struct EnrolledKiosk: Sendable, Equatable {
    public let kioskID: String
    public let publicKey: Data
    public let dealerCode: String
    public var noteKey: NoteKey { KioskKey.noteKey(publicKey: publicKey) }
}

extension HQStore {
    /// PBKDF2 rounds for passwords: a guess costs tens of milliseconds.
    static let passwordRounds = 120_000
    static let sessionHours = 12

    // MARK: - Users and sign-in

    /// Makes user `admin` when no hq_admin exists yet: with `password`, or a new one that is returned to be printed once.
    public func ensureAdmin(password: String?) async throws -> String? {
        let count = try await client.query("SELECT count(*) FROM hq_user WHERE role = 'hq_admin'", logger: logger).decode(Int.self)
            .reduce(0, +)
        guard count == 0 else { return nil }
        let chosen =
            password ?? randomBytes(9).base64EncodedString().replacingOccurrences(of: "/", with: "x").replacingOccurrences(of: "+", with: "y")
        do {
            try await addUser(name: "admin", password: chosen, role: .hqAdmin, region: nil, dealerCode: nil)
        } catch let e as HQError where e.code == "user_exists" {
            return nil
        }
        return password == nil ? chosen : nil
    }

    public func addUser(name: String, password: String, role: HQRole, region: String?, dealerCode: String?) async throws {
        let salt = randomBytes(16)
        let hash = SlowHash.hash(password, salt: salt, rounds: Self.passwordRounds)
        do {
            _ = try await client.query(
                """
                INSERT INTO hq_user (name, role, region, dealer_code, password_hash, password_salt)
                VALUES (\(name), \(role.rawValue), \(region), \(dealerCode), \(hash), \(salt))
                """, logger: logger)
        } catch  where Self.isUniqueViolation(error) {
            throw HQError(.conflict, "user_exists", "用户「\(name)」已存在 / User \(name) exists already")
        } catch let e as PSQLError where e.serverInfo?[.sqlState] == "23503" {
            throw HQError.invalid("unknown_reference", "大区或经销商代码不存在 / The region or dealer code is not known")
        }
    }

    /// A new session token for `name`/`password`, or nil when they do not match.
    public func login(name: String, password: String) async throws -> (token: String, user: HQUser)? {
        let rows = try await client.query(
            "SELECT role, region, dealer_code, password_hash, password_salt FROM hq_user WHERE name = \(name)", logger: logger)
        var found: (String, String?, String?, Data, Data)?
        for try await r in rows.decode((String, String?, String?, Data, Data).self) { found = r }
        // An unknown user costs the same hash as a known one.
        let (role, region, dealer, hash, salt) = found ?? ("", nil, nil, Data(count: 32), Data(count: 16))
        guard SlowHash.verify(password, hash: hash, salt: salt, rounds: Self.passwordRounds), found != nil, let r = HQRole(rawValue: role) else {
            return nil
        }
        let token = randomBytes(32).hexString
        let expires = Date().addingTimeInterval(Double(Self.sessionHours) * 3600)
        _ = try await client.query(
            "INSERT INTO session (token_sha256, user_name, expires_at) VALUES (\(sha256Hex(token)), \(name), \(expires))", logger: logger)
        return (token, HQUser(name: name, role: r, region: region, dealerCode: dealer))
    }

    public func user(token: String) async throws -> HQUser? {
        let rows = try await client.query(
            """
            SELECT u.name, u.role, u.region, u.dealer_code FROM session s JOIN hq_user u ON u.name = s.user_name
            WHERE s.token_sha256 = \(sha256Hex(token)) AND s.expires_at > now()
            """, logger: logger)
        for try await (name, role, region, dealer) in rows.decode((String, String, String?, String?).self) {
            guard let r = HQRole(rawValue: role) else { return nil }
            return HQUser(name: name, role: r, region: region, dealerCode: dealer)
        }
        return nil
    }

    // MARK: - Dealers and enrolment

    /// A dealer (and its region, if new) with a fresh one-time enrolment code.
    public func addDealer(code: String, name: String, region: String) async throws -> (DealerRecord, String) {
        let enroll = Self.enrollCode()
        do {
            try await transaction { conn in
                _ = try await conn.query("INSERT INTO region (name) VALUES (\(region)) ON CONFLICT DO NOTHING", logger: logger)
                _ = try await conn.query("INSERT INTO dealer (code, name, region) VALUES (\(code), \(name), \(region))", logger: logger)
                _ = try await conn.query("INSERT INTO enroll_code (code, dealer_code) VALUES (\(enroll), \(code))", logger: logger)
            }
        } catch  where Self.isUniqueViolation(error) {
            throw HQError(.conflict, "dealer_exists", "经销商代码「\(code)」已存在 / Dealer \(code) exists already")
        }
        return (DealerRecord(code: code, name: name, region: region), enroll)
    }

    /// Another one-time code for a dealer's next kiosk.
    public func newEnrollCode(dealer: String) async throws -> String? {
        guard try await dealerRecord(dealer) != nil else { return nil }
        let enroll = Self.enrollCode()
        _ = try await client.query("INSERT INTO enroll_code (code, dealer_code) VALUES (\(enroll), \(dealer))", logger: logger)
        return enroll
    }

    /// Eight groups-of-four characters a person can read over the phone: no 0/O, 1/I.
    static func enrollCode() -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        let chars = randomBytes(12).map { alphabet[Int($0) % alphabet.count] }
        return stride(from: 0, to: 12, by: 4).map { String(chars[$0..<$0 + 4]) }.joined(separator: "-")
    }

    public func dealerRecord(_ code: String) async throws -> DealerRecord? {
        let rows = try await client.query("SELECT code, name, region FROM dealer WHERE code = \(code)", logger: logger)
        for try await (c, n, r) in rows.decode((String, String, String).self) { return DealerRecord(code: c, name: n, region: r) }
        return nil
    }

    public func dealers() async throws -> [DealerRecord] {
        let rows = try await client.query("SELECT code, name, region FROM dealer ORDER BY region, code", logger: logger)
        var out: [DealerRecord] = []
        for try await (c, n, r) in rows.decode((String, String, String).self) { out.append(DealerRecord(code: c, name: n, region: r)) }
        return out
    }

    public enum EnrollOutcome: Sendable, Equatable { case enrolled(dealerCode: String, kioskID: String), unknownCode, used, keyTaken }

    /// Registers a kiosk's key under the dealer of a one-time code; the code is used up in the same transaction, so
    /// two kiosks racing for one code cannot both win.
    public func enroll(code: String, publicKey: Data) async throws -> EnrollOutcome {
        let kioskID = KioskKey.kioskID(publicKey: publicKey)
        return try await transaction { conn in
            let rows = try await conn.query("SELECT dealer_code, used_at FROM enroll_code WHERE code = \(code) FOR UPDATE", logger: logger)
            var found: (String, Date?)?
            for try await r in rows.decode((String, Date?).self) { found = r }
            guard let (dealer, used) = found else { return .unknownCode }
            guard used == nil else { return .used }
            let inserted = try await conn.query(
                """
                INSERT INTO kiosk (kiosk_id, public_key, dealer_code) VALUES (\(kioskID), \(publicKey), \(dealer))
                ON CONFLICT DO NOTHING RETURNING kiosk_id
                """, logger: logger
            ).decode(String.self).reduce(into: [String]()) { $0.append($1) }
            guard !inserted.isEmpty else { return .keyTaken }
            _ = try await conn.query("UPDATE enroll_code SET used_at = now(), kiosk_id = \(kioskID) WHERE code = \(code)", logger: logger)
            return .enrolled(dealerCode: dealer, kioskID: kioskID)
        }
    }

    public func kiosk(_ kioskID: String) async throws -> EnrolledKiosk? {
        let rows = try await client.query("SELECT public_key, dealer_code FROM kiosk WHERE kiosk_id = \(kioskID)", logger: logger)
        for try await (key, dealer) in rows.decode((Data, String).self) { return EnrolledKiosk(kioskID: kioskID, publicKey: key, dealerCode: dealer) }
        return nil
    }

    // MARK: - The campaign

    /// The campaign in force: the one the HQ admin saved, else the file's (stored on first use).
    public func campaign(default file: Campaign) async throws -> Campaign {
        let rows = try await client.query("SELECT body::text FROM campaign WHERE id = 1", logger: logger)
        for try await body in rows.decode(String.self) { return try Campaign.load(Data(body.utf8)) }
        return file
    }

    public func saveCampaign(_ c: Campaign) async throws {
        let body = String(decoding: try HQJSON.encoder.encode(c), as: UTF8.self)
        _ = try await client.query(
            "INSERT INTO campaign (id, body) VALUES (1, \(body)::jsonb) ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body, saved_at = now()",
            logger: logger)
    }
}
