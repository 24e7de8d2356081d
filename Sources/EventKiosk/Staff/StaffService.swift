import Foundation
import KioskFormats
import GRDB
import NIOPosix
import Synchronization

/// Staff errors, each with the status the contract gives it.
enum StaffError {
    static func badPin(role: Role = .greeter) -> DomainError {
        let min = PinHasher.minimumLength(for: role)
        return DomainError(
            .invalid, "invalid_pin",
            "PIN 须为 \(min)–12 位数字 / A \(role.rawValue) PIN must be \(min) to 12 digits (short PINs can be guessed on the day)")
    }
    static func badName() -> DomainError { DomainError(.invalid, "invalid_name", "姓名须为 1–30 个字 / Name must be 1 to 30 characters") }
    static func pinTaken() -> DomainError {
        DomainError(.conflict, "pin_taken", "此 PIN 已有人使用，请换一个 / Another staff member already uses this PIN; pick another")
    }
    static func builtin() -> DomainError { DomainError(.conflict, "builtin_admin", "内置管理员不能删除 / The built-in admin cannot be removed") }
}

/// Sign-ins made while the store could not be written (see `login`).
private let memorySessions = Mutex<[String: (StaffSession, Date)]>([:])

/// Drops the in-memory sign-ins of one staff member (or all), when they are removed or get a new PIN.
private func forgetMemorySessions(staffID: Int64?) {
    memorySessions.withLock { sessions in sessions = sessions.filter { staffID != nil && $0.value.0.staffID != staffID } }
}

extension AppDatabase {
    static let sessionLifetime: TimeInterval = 24 * 3600

    // MARK: - Admin at first start

    /// Makes sure the built-in admin exists and uses `envPIN` when given.
    /// Returns the PIN if one was generated now, so the caller prints it once.
    public func ensureAdmin(envPIN: String?) async throws -> String? {
        defer { memo.forgetAll(); forgetMemorySessions(staffID: nil) }  // a new admin PIN at start signs the admin out
        if let envPIN, !PinHasher.isWellFormed(envPIN) {
            throw DomainError(.badInput, "invalid_pin", "KIOSK_ADMIN_PIN must be 4 to 12 digits (8 or more on the day)")
        }
        return try await write { db in
            if var admin = try StaffRecord.filter(StaffRecord.Columns.builtin == true).fetchOne(db) {
                if let envPIN, !PinHasher.verify(pin: envPIN, hash: admin.pinHash, salt: admin.pinSalt) {
                    admin.pinSalt = PinHasher.newSalt()
                    admin.pinHash = PinHasher.hash(pin: envPIN, salt: admin.pinSalt)
                    try admin.update(db)
                    try Self.signOutEverywhere(db, staffID: admin.id!)
                }
                return nil
            }
            let pin = envPIN ?? Self.generatePIN()
            let salt = PinHasher.newSalt()
            var admin = StaffRecord(
                id: nil, name: "管理员", role: .admin, pinHash: PinHasher.hash(pin: pin, salt: salt),
                pinSalt: salt, builtin: true, createdAt: Self.writeTime, removedAt: nil)
            try admin.insert(db)
            return envPIN == nil ? pin : nil
        }
    }

    static func generatePIN() -> String {
        var rng = SystemRandomNumberGenerator()
        return String(format: "%08d", Int.random(in: 0..<100_000_000, using: &rng))
    }

    // MARK: - Staff list

    func addStaff(name: String, role: Role, pin: String) async throws -> StaffView {
        let name = name.trimmed
        guard (1...30).contains(name.count) else { throw StaffError.badName() }
        guard PinHasher.isAcceptedAsNew(pin, for: role) else { throw StaffError.badPin(role: role) }
        try await requirePINUnused(pin, except: nil)
        let salt = PinHasher.newSalt()
        let hash = try await PinHasher.pool.runIfActive { PinHasher.hash(pin: pin, salt: salt) }
        return try await write { db in
            var record = StaffRecord(
                id: nil, name: name, role: role, pinHash: hash, pinSalt: salt, builtin: false, createdAt: Self.writeTime, removedAt: nil)
            try record.insert(db)
            try AuditLog.append(
                db, kind: "staff_added",
                StaffAudit(
                    staffId: record.id ?? 0,
                    changes: try AuditDiff(
                        before: [String: String](),
                        after: StaffAuditView(record))))
            return StaffView(record)
        }
    }

    /// Gives a staff member a new PIN (a forgotten PIN, or one that was overheard) and signs them out everywhere.
    func changePIN(id: Int64, pin: String) async throws -> StaffView {
        defer { memo.forgetSessions(staffID: id); forgetMemorySessions(staffID: id) }  // signed out everywhere, once committed
        guard let current = try await read({ db in try StaffRecord.filter(key: id).active().fetchOne(db) }) else {
            throw DomainError.notFound("没有这位员工 / No staff member with id \(id)")
        }
        guard PinHasher.isAcceptedAsNew(pin, for: current.role) else { throw StaffError.badPin(role: current.role) }
        try await requirePINUnused(pin, except: id)
        let salt = PinHasher.newSalt()
        let hash = try await PinHasher.pool.runIfActive { PinHasher.hash(pin: pin, salt: salt) }
        return try await write { db in
            guard var record = try StaffRecord.filter(key: id).active().fetchOne(db) else {
                throw DomainError.notFound("没有这位员工 / No staff member with id \(id)")
            }
            record.pinSalt = salt
            record.pinHash = hash
            try record.update(db)
            try Self.signOutEverywhere(db, staffID: id)
            // The PIN itself, old or new, is never written anywhere but as its hash.
            try AuditLog.append(
                db, kind: "staff_pin_changed", StaffAudit(staffId: id, changes: try AuditDiff(before: ["pin": "(old)"], after: ["pin": "(new)"])))
            return StaffView(record)
        }
    }

    /// A PIN alone may sign in, so two active staff may not share one. Hashed off the writer.
    private func requirePINUnused(_ pin: String, except id: Int64?) async throws {
        let others = try await read { db in try StaffRecord.active().fetchAll(db).filter { $0.id != id } }
        let taken = try await PinHasher.pool.runIfActive { others.contains { PinHasher.verify(pin: pin, hash: $0.pinHash, salt: $0.pinSalt) } }
        if taken { throw StaffError.pinTaken() }
    }

    func listStaff() async throws -> [StaffView] {
        try await read { db in
            try StaffRecord.active().order(StaffRecord.Columns.id).fetchAll(db).map(StaffView.init)
        }
    }

    /// Removes a staff member and signs them out everywhere. The row stays for the record.
    func removeStaff(id: Int64) async throws {
        defer { memo.forgetSessions(staffID: id); forgetMemorySessions(staffID: id) }
        try await write { db in
            guard var record = try StaffRecord.filter(key: id).active().fetchOne(db) else {
                throw DomainError.notFound("没有这位员工 / No staff member with id \(id)")
            }
            if record.builtin { throw StaffError.builtin() }
            let before = StaffAuditView(record)
            record.removedAt = Self.writeTime
            try record.update(db)
            try Self.signOutEverywhere(db, staffID: id)
            try AuditLog.append(
                db, kind: "staff_removed", StaffAudit(staffId: id, changes: try AuditDiff(before: before, after: StaffAuditView(record))))
        }
    }

    // MARK: - Sessions

    /// Ends a staff member's sessions and forgets their trusted devices (a new PIN or a removal).
    static func signOutEverywhere(_ db: Database, staffID: Int64) throws {
        try SessionRecord.filter(SessionRecord.Columns.staffId == staffID).deleteAll(db)
        try db.execute(sql: "DELETE FROM trusted_device WHERE staff_id = ?", arguments: [staffID])
    }

    /// A sign-in: the session's token, who it is, and a device token when this device was not yet trusted for them.
    struct SignIn: Sendable { let token: String; let session: StaffSession; let deviceToken: String? }

    /// Checks a PIN against every active staff member (or the one named); on a match, opens a 24-hour session.
    /// `device` is the device token this browser holds, if any: a device that has signed this person in before gets
    /// no new one, and the throttle never pauses it for them (`LoginThrottle`).
    func login(pin: String, staffID: Int64? = nil, device: String? = nil) async throws -> SignIn? {
        guard PinHasher.isWellFormed(pin) else { return nil }
        // Hash on NIO's blocking pool, outside any transaction: 60,000 PBKDF2 rounds per account must never hold the
        // database writer (door scans wait on it).
        let candidates = try await read { db in
            var request = StaffRecord.active()
            if let staffID { request = request.filter(key: staffID) }
            return try request.fetchAll(db)
        }
        let match = try await PinHasher.pool.runIfActive {
            candidates.first { PinHasher.verify(pin: pin, hash: $0.pinHash, salt: $0.pinSalt) }
        }
        guard let staff = match, let staffID = staff.id else { return nil }
        let session = StaffSession(staffID: staffID, name: staff.name, role: staff.role)
        do {
            guard let (token, deviceToken) = try await storeSession(staffID: staffID, pinHash: staff.pinHash, device: device) else { return nil }
            return SignIn(token: token, session: session, deviceToken: deviceToken)
        } catch let error as DatabaseError where StorageTrouble(error) != nil {
            // While nothing can be written (disk full, read-only folder) staff can still sign in to read the day's data:
            // the session is kept in memory only and is gone after a restart, which costs nothing but a new sign-in.
            let token = randomBytes(32).hexString
            memorySessions.withLock { $0[sha256Hex(token)] = (session, now().addingTimeInterval(Self.sessionLifetime)) }
            return SignIn(token: token, session: session, deviceToken: nil)
        }
    }

    /// Stores the session, re-checking in the same transaction that the staff member is still active and the PIN that
    /// matched is still theirs (issue 23: a PIN change committed while this sign-in was being hashed must win).
    /// Nil when either changed.
    func storeSession(staffID: Int64, pinHash: Data, device: String?) async throws -> (String, String?)? {
        try await write { db in
            guard let current = try StaffRecord.filter(key: staffID).active().fetchOne(db), current.pinHash == pinHash else { return nil }
            let token = randomBytes(32).hexString
            let now = Self.writeTime
            try SessionRecord(
                tokenHash: sha256Hex(token), staffId: staffID, createdAt: now,
                expiresAt: now.addingTimeInterval(Self.sessionLifetime)
            ).insert(db)
            try SessionRecord.filter(SessionRecord.Columns.expiresAt < now).deleteAll(db)
            if try Self.trustedStaff(db, device: device) == staffID { return (token, nil) }
            let deviceToken = randomBytes(32).hexString
            try db.execute(
                sql: "INSERT INTO trusted_device(token_hash, staff_id, created_at) VALUES (?, ?, ?)",
                arguments: [sha256Hex(deviceToken), staffID, now])
            return (token, deviceToken)
        }
    }

    /// The staff member a device token was given to, if it is still theirs.
    static func trustedStaff(_ db: Database, device: String?) throws -> Int64? {
        guard let device, device.count == 64 else { return nil }
        return try Int64.fetchOne(db, sql: "SELECT staff_id FROM trusted_device WHERE token_hash = ?", arguments: [sha256Hex(device)])
    }

    /// Whether this device has signed `staffID` in before (and they have kept their PIN since).
    func isTrusted(device: String?, for staffID: Int64) async throws -> Bool {
        guard device != nil else { return false }
        return try await read { db in try Self.trustedStaff(db, device: device) == staffID }
    }

    func activeStaffCount() async throws -> Int {
        try await read { db in try StaffRecord.active().fetchCount(db) }
    }

    /// The live session behind a bearer token, or nil if unknown, expired or its staff member removed.
    func session(token: String) async throws -> StaffSession? {
        guard token.count == 64 else { return nil }
        let hash = sha256Hex(token)
        // Known from an earlier request: no database read on the hot path (dropped at sign-out, new PIN, removal).
        if let known = memo.session(hash, now: now()) { return known }
        let generation = memo.generation()
        let found = try await read { db -> (StaffSession, Date)? in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT staff.id, staff.name, staff.role, session.expires_at FROM session JOIN staff ON staff.id = session.staff_id
                    WHERE session.token_hash = ? AND session.expires_at > ? AND staff.removed_at IS NULL
                    """, arguments: [hash, now()])
            guard let row, let role = Role(rawValue: row["role"]) else { return nil }
            return (StaffSession(staffID: row["id"], name: row["name"], role: role), row["expires_at"])
        }
        guard let (session, expires) = found else {
            return memorySessions.withLock { $0[hash] }.flatMap { $0.1 > now() ? $0.0 : nil }
        }
        memo.remember(hash, session, expires: expires, readAt: generation)
        return session
    }

    func logout(token: String) async throws {
        _ = memorySessions.withLock { $0.removeValue(forKey: sha256Hex(token)) }
        defer { memo.forgetSession(sha256Hex(token)) }  // after the delete commits
        _ = try await write { db in try SessionRecord.deleteOne(db, key: sha256Hex(token)) }
    }
}

/// A staff change in the audit log (never a PIN).
struct StaffAudit: Encodable { let staffId: Int64; let changes: AuditDiff }
struct StaffAuditView: Encodable {
    let name: String, role: String, removed: Bool
    init(_ r: StaffRecord) { name = r.name; role = r.role.rawValue; removed = r.removedAt != nil }
}
