import Foundation
import GRDB
import Synchronization

/// Staff errors, each with the status the contract gives it.
enum StaffError {
    static func badPin() -> APIError { APIError(.unprocessableContent, "invalid_pin", "PIN 须为 4–8 位数字 / PIN must be 4 to 8 digits") }
    static func badName() -> APIError { APIError(.unprocessableContent, "invalid_name", "姓名须为 1–30 个字 / Name must be 1 to 30 characters") }
    static func pinTaken() -> APIError { APIError(.conflict, "pin_taken", "此 PIN 已有人使用，请换一个 / Another staff member already uses this PIN; pick another") }
    static func builtin() -> APIError { APIError(.conflict, "builtin_admin", "内置管理员不能删除 / The built-in admin cannot be removed") }
}

/// Sign-ins made while the store could not be written (see `login`).
private let memorySessions = Mutex<[String: (StaffSession, Date)]>([:])

extension AppDatabase {
    static let sessionLifetime: TimeInterval = 24 * 3600

    // MARK: - Admin at first start

    /// Makes sure the built-in admin exists and uses `envPIN` when given.
    /// Returns the PIN if one was generated now, so the caller prints it once.
    public func ensureAdmin(envPIN: String?) async throws -> String? {
        if let envPIN, !PinHasher.isWellFormed(envPIN) {
            throw APIError(.badRequest, "invalid_pin", "KIOSK_ADMIN_PIN must be 4 to 8 digits")
        }
        return try await write { db in
            if var admin = try StaffRecord.filter(Column("builtin") == true).fetchOne(db) {
                if let envPIN, !PinHasher.verify(pin: envPIN, hash: admin.pinHash, salt: admin.pinSalt) {
                    admin.pinSalt = PinHasher.newSalt()
                    admin.pinHash = PinHasher.hash(pin: envPIN, salt: admin.pinSalt)
                    try admin.update(db)
                    try SessionRecord.filter(Column("staff_id") == admin.id).deleteAll(db)
                }
                return nil
            }
            let pin = envPIN ?? Self.generatePIN()
            let salt = PinHasher.newSalt()
            var admin = StaffRecord(id: nil, name: "管理员", role: .admin, pinHash: PinHasher.hash(pin: pin, salt: salt),
                                    pinSalt: salt, builtin: true, createdAt: Date(), removedAt: nil)
            try admin.insert(db)
            return envPIN == nil ? pin : nil
        }
    }

    static func generatePIN() -> String {
        var rng = SystemRandomNumberGenerator()
        return String(format: "%06d", Int.random(in: 0..<1_000_000, using: &rng))
    }

    // MARK: - Staff list

    func addStaff(name: String, role: Role, pin: String) async throws -> StaffView {
        let name = name.trimmed
        guard (1...30).contains(name.count) else { throw StaffError.badName() }
        guard PinHasher.isWellFormed(pin) else { throw StaffError.badPin() }
        return try await write { db in
            // Sign-in is by PIN alone, so two active staff may not share one.
            for other in try StaffRecord.filter(Column("removed_at") == nil).fetchAll(db)
            where PinHasher.verify(pin: pin, hash: other.pinHash, salt: other.pinSalt) {
                _ = other
                throw StaffError.pinTaken()
            }
            let salt = PinHasher.newSalt()
            var record = StaffRecord(id: nil, name: name, role: role, pinHash: PinHasher.hash(pin: pin, salt: salt),
                                     pinSalt: salt, builtin: false, createdAt: Date(), removedAt: nil)
            try record.insert(db)
            return StaffView(record)
        }
    }

    /// Gives a staff member a new PIN (a forgotten PIN, or one that was overheard) and signs them out everywhere.
    func changePIN(id: Int64, pin: String) async throws -> StaffView {
        guard PinHasher.isWellFormed(pin) else { throw StaffError.badPin() }
        return try await write { db in
            guard var record = try StaffRecord.filter(key: id).filter(Column("removed_at") == nil).fetchOne(db) else {
                throw APIError.notFound("没有这位员工 / No staff member with id \(id)")
            }
            for other in try StaffRecord.filter(Column("removed_at") == nil).filter(Column("id") != id).fetchAll(db)
            where PinHasher.verify(pin: pin, hash: other.pinHash, salt: other.pinSalt) {
                _ = other
                throw StaffError.pinTaken()
            }
            record.pinSalt = PinHasher.newSalt()
            record.pinHash = PinHasher.hash(pin: pin, salt: record.pinSalt)
            try record.update(db)
            try SessionRecord.filter(Column("staff_id") == id).deleteAll(db)
            return StaffView(record)
        }
    }

    func listStaff() async throws -> [StaffView] {
        try await read { db in
            try StaffRecord.filter(Column("removed_at") == nil).order(Column("id")).fetchAll(db).map(StaffView.init)
        }
    }

    /// Removes a staff member and signs them out everywhere. The row stays for the record.
    func removeStaff(id: Int64) async throws {
        try await write { db in
            guard var record = try StaffRecord.filter(key: id).filter(Column("removed_at") == nil).fetchOne(db) else {
                throw APIError.notFound("没有这位员工 / No staff member with id \(id)")
            }
            if record.builtin { throw StaffError.builtin() }
            record.removedAt = Date()
            try record.update(db)
            try SessionRecord.filter(Column("staff_id") == id).deleteAll(db)
        }
    }

    // MARK: - Sessions

    /// Checks a PIN against every active staff member; on a match, opens a 24-hour session.
    func login(pin: String) async throws -> (token: String, session: StaffSession)? {
        guard PinHasher.isWellFormed(pin) else { return nil }
        do { return try await loginStored(pin: pin) } catch let error as DatabaseError where StorageTrouble(error) != nil {
            return try await loginInMemory(pin: pin)
        }
    }

    /// While nothing can be written (disk full, read-only folder) staff can still sign in to read the day's data:
    /// the session is kept in memory only and is gone after a restart, which costs nothing but a new sign-in.
    private func loginInMemory(pin: String) async throws -> (token: String, session: StaffSession)? {
        try await read { db in
            guard let staff = try StaffRecord.filter(Column("removed_at") == nil).fetchAll(db)
                .first(where: { PinHasher.verify(pin: pin, hash: $0.pinHash, salt: $0.pinSalt) }), let staffID = staff.id else { return nil }
            let token = randomBytes(32).hexString
            let session = StaffSession(staffID: staffID, name: staff.name, role: staff.role)
            memorySessions.withLock { $0[sha256Hex(token)] = (session, Date().addingTimeInterval(Self.sessionLifetime)) }
            return (token, session)
        }
    }

    private func loginStored(pin: String) async throws -> (token: String, session: StaffSession)? {
        try await write { db in
            let candidates = try StaffRecord.filter(Column("removed_at") == nil).fetchAll(db)
            guard let staff = candidates.first(where: { PinHasher.verify(pin: pin, hash: $0.pinHash, salt: $0.pinSalt) }),
                  let staffID = staff.id else { return nil }
            let token = randomBytes(32).hexString
            let now = Date()
            try SessionRecord(tokenHash: sha256Hex(token), staffId: staffID, createdAt: now,
                              expiresAt: now.addingTimeInterval(Self.sessionLifetime)).insert(db)
            try SessionRecord.filter(Column("expires_at") < now).deleteAll(db)
            return (token, StaffSession(staffID: staffID, name: staff.name, role: staff.role))
        }
    }

    /// The live session behind a bearer token, or nil if unknown, expired or its staff member removed.
    func session(token: String) async throws -> StaffSession? {
        guard token.count == 64 else { return nil }
        let hash = sha256Hex(token)
        return try await read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT staff.id, staff.name, staff.role FROM session JOIN staff ON staff.id = session.staff_id
                WHERE session.token_hash = ? AND session.expires_at > ? AND staff.removed_at IS NULL
                """, arguments: [hash, Date()])
            guard let row, let role = Role(rawValue: row["role"]) else {
                return memorySessions.withLock { $0[hash] }.flatMap { $0.1 > Date() ? $0.0 : nil }
            }
            return StaffSession(staffID: row["id"], name: row["name"], role: role)
        }
    }

    func logout(token: String) async throws {
        _ = memorySessions.withLock { $0.removeValue(forKey: sha256Hex(token)) }
        _ = try await write { db in try SessionRecord.deleteOne(db, key: sha256Hex(token)) }
    }
}
