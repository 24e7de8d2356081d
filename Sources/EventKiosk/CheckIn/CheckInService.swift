import Foundation
import GRDB

/// What a scan comes to. Every outcome but `ok` is also stored as a failed scan.
enum CheckInOutcome: Sendable {
    case ok(CheckInView, InviteeView)
    case alreadyCheckedIn(first: CheckInView, invitee: InviteeView)
    case unknown
    case revoked(InviteeView)
    case invalid(String)
}

/// One scan at a door, as the door sent it. `scannedAt` is set when the scan waited on the tablet while the laptop
/// was out of reach: the check-in keeps the time it was made.
struct ScanInput: Sendable {
    var scanned: String
    let door: String
    let nonce: String
    var partySize: Int? = nil
    var staffID: Int64? = nil
    var scannedAt: Date? = nil
    /// The draws whose pool is "checked in", from the event the controller read for this scan; nil: read it here.
    var ticketDraws: [String]? = nil
}

/// What a walk-in registration needs besides the guest's own details.
struct WalkInRequest: Sendable {
    let draft: InviteeDraft
    let door: String
    let nonce: String
}

extension AppDatabase {
    /// Checks a scanned code in at a door, once. Idempotent per nonce; the one-check-in rule is kept inside
    /// the write transaction (SQLite has one writer), so two doors scanning at once get exactly one `ok`.
    func checkIn(scanned: String, door: String, nonce: String, partySize: Int?, staffID: Int64?) async throws -> CheckInOutcome {
        let scan = ScanInput(scanned: scanned, door: door, nonce: nonce, partySize: partySize, staffID: staffID)
        return try await write { db in try Self.checkIn(db, scan) }
    }

    /// One scan inside a write transaction (alone, or as one of a group commit's scans: `CheckInBatcher`).
    static func checkIn(_ db: Database, _ scan: ScanInput) throws -> CheckInOutcome {
        let (scanned, door, nonce, partySize, staffID) = (scan.scanned, scan.door, scan.nonce, scan.partySize, scan.staffID)
        if let replay = try Self.replay(db, nonce: nonce) { return replay }
        try Self.requireOpen(db)
        let now = scan.scannedAt ?? Self.writeTime
        func fail(_ reason: String, _ invitee: Int64? = nil) throws {
            try Self.recordFailedScan(db, at: now, door: door, reason: reason, scanned: scanned, nonce: nonce, invitee: invitee, staffID: staffID)
        }
        switch try Self.readCard(db, scanned) {
        case .invalid(let why):
            try fail("invalid")
            return .invalid(why)
        case .retired(let holder):
            try fail("revoked", holder.id)
            return .revoked(InviteeView(holder))
        case .unknown:
            try fail("unknown")
            return .unknown
        case .invitee(let invitee):
            return try Self.checkIn(
                db, invitee: invitee, door: door, nonce: nonce, partySize: partySize, staffID: staffID, at: now, ticketDraws: scan.ticketDraws,
                fail: fail)
        }
    }

    /// What a scanned card names, read the one way the door and the bus share.
    enum ScannedCard { case invalid(String), unknown, retired(InviteeRecord), invitee(InviteeRecord) }

    static func readCard(_ db: Database, _ scanned: String) throws -> ScannedCard {
        guard let code = CheckInCode.extract(from: scanned) else {
            return .invalid(scanned.trimmed.isEmpty ? "扫描内容为空 / Nothing was scanned" : "这不是本活动的签到码 / This is not a check-in code")
        }
        if let invitee = try InviteeRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM invitee WHERE code = ?"), arguments: [code]) {
            return .invitee(invitee)
        }
        // A card whose code was reissued: the guest is known, but this card no longer admits anyone.
        if let holder = try inviteeWithRetiredCode(db, code: code) { return .retired(holder) }
        return .unknown
    }

    /// Registers a guest who was not invited (or lost their code) and checks them in, in one transaction.
    func walkIn(_ request: WalkInRequest, staffID: Int64?) async throws -> CheckInOutcome {
        try await write { db in
            if let replay = try Self.replay(db, nonce: request.nonce) { return replay }
            try Self.requireOpen(db)
            let now = Self.writeTime
            func fail(_ reason: String, _ invitee: Int64? = nil) throws {
                try Self.recordFailedScan(
                    db, at: now, door: request.door, reason: reason, scanned: "walk-in \(PhoneNumber.mask(request.draft.phone))",
                    nonce: request.nonce, invitee: invitee, staffID: staffID)
            }
            let invitee = try Self.findOrCreateWalkIn(db, request.draft, at: now)
            return try Self.checkIn(
                db, invitee: invitee, door: request.door, nonce: request.nonce,
                partySize: request.draft.partySize, staffID: staffID, at: now, fail: fail)
        }
    }

    private static func checkIn(
        _ db: Database, invitee: InviteeRecord, door: String, nonce: String, partySize: Int?,
        staffID: Int64?, at now: Date, ticketDraws: [String]? = nil, fail: (String, Int64?) throws -> Void
    ) throws -> CheckInOutcome {
        if invitee.status == "revoked" {
            try fail("revoked", invitee.id)
            return .revoked(InviteeView(invitee))
        }
        if let first = try CheckInRecord.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT * FROM active_checkin WHERE invitee_id = ? LIMIT 1
                    """), arguments: [invitee.id])
        {
            try fail("already_checked_in", invitee.id)
            return .alreadyCheckedIn(first: CheckInView(first), invitee: InviteeView(invitee))
        }
        var record = CheckInRecord(
            id: nil, inviteeId: invitee.id!, door: door, partySize: partySize ?? invitee.partySize,
            at: now, nonce: nonce, staffId: staffID, walkIn: invitee.walkIn)
        try record.insert(db)
        try Self.issueTickets(db, inviteeID: invitee.id!, pool: "checked_in", draws: ticketDraws)
        try Self.seat(db, inviteeID: invitee.id!, party: record.partySize, consultant: invitee.consultant)
        try AuditLog.append(
            db, kind: "checkin",
            CheckInAudit(
                checkinId: record.id!, inviteeId: invitee.id!, door: door,
                partySize: record.partySize, walkIn: invitee.walkIn, nonce: nonce))
        return .ok(CheckInView(record), InviteeView(invitee))
    }

    /// Keeps a scan that checked nobody in: when, where, why and what was scanned (cut to 200 characters).
    private static func recordFailedScan(
        _ db: Database, at: Date, door: String, reason: String, scanned: String,
        nonce: String, invitee: Int64?, staffID: Int64?
    ) throws {
        try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO scan_failure(at, door, reason, scanned, nonce, invitee_id, staff_id) VALUES (?,?,?,?,?,?,?)
                """
        ).execute(arguments: [at, door, reason, String(scanned.prefix(200)), nonce, invitee, staffID])
    }

    /// The same nonce again gets the same answer, and no second row.
    private static func replay(_ db: Database, nonce: String) throws -> CheckInOutcome? {
        guard let earlier = try CheckInRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM checkin WHERE nonce = ?"), arguments: [nonce]),
            let invitee = try InviteeRecord.fetchOne(db, key: earlier.inviteeId)
        else { return nil }
        return .ok(CheckInView(earlier), InviteeView(invitee))
    }

    struct CheckInAudit: Encodable {
        let checkinId: Int64; let inviteeId: Int64; let door: String; let partySize: Int; let walkIn: Bool; let nonce: String
    }

    // MARK: - Undo

    enum UndoOutcome: Sendable { case undone(CheckInView, InviteeView), alreadyUndone, tooLate }

    /// Undoes a check-in by adding an undo row. `maxAge` nil means no time limit (admin).
    func undoCheckIn(id: Int64, staffID: Int64?, maxAge: TimeInterval?) async throws -> UndoOutcome {
        try await write { db in
            guard let record = try CheckInRecord.fetchOne(db, key: id), let invitee = try InviteeRecord.fetchOne(db, key: record.inviteeId) else {
                throw DomainError.notFound("没有这条签到记录 / No check-in with id \(id)")
            }
            if try CheckInUndoRecord.filter(CheckInUndoRecord.Columns.checkinId == id).fetchCount(db) > 0 { return .alreadyUndone }
            if let maxAge, Self.writeTime.timeIntervalSince(record.at) > maxAge { return .tooLate }
            try CheckInUndoRecord(checkinId: id, at: Self.writeTime, staffId: staffID).insert(db)
            try Self.unseat(db, inviteeID: record.inviteeId)  // the seats are free again
            try AuditLog.append(db, kind: "checkin_undo", ["checkin_id": id, "invitee_id": record.inviteeId])
            return .undone(CheckInView(record), InviteeView(invitee))
        }
    }

    struct PartySizeAudit: Encodable { let checkinId: Int64; let staffId: Int64?; let changes: AuditDiff }

    /// The greeter corrects how many came with a guest (on the answer screen, or from the recent list), within the
    /// same window as an undo; the arrival counters follow through a trigger (migration v16).
    func correctPartySize(checkinID id: Int64, to size: Int, staffID: Int64?, maxAge: TimeInterval?) async throws -> CheckInView {
        try await write { db in
            guard var record = try CheckInRecord.fetchOne(db, key: id) else {
                throw DomainError.notFound("没有这条签到记录 / No check-in with id \(id)")
            }
            if try CheckInUndoRecord.filter(CheckInUndoRecord.Columns.checkinId == id).fetchCount(db) > 0 {
                throw DomainError(.conflict, "already_undone", "这条签到已撤销 / This check-in was undone")
            }
            if let maxAge, Self.writeTime.timeIntervalSince(record.at) > maxAge {
                throw DomainError(
                    .forbidden, "undo_window_passed",
                    "签到已超过 15 分钟，请管理员更改 / " + "More than 15 minutes have passed; ask an admin")
            }
            let before = record.partySize
            guard before != size else { return CheckInView(record) }
            record.partySize = size
            try record.update(db, columns: ["party_size"])
            // The party's table is checked again for the new size: kept when it still fits, else another, else none.
            let consultant = try InviteeRecord.fetchOne(db, key: record.inviteeId)?.consultant
            try Self.seat(db, inviteeID: record.inviteeId, party: size, consultant: consultant)
            try AuditLog.append(
                db, kind: "checkin_party_size",
                PartySizeAudit(checkinId: id, staffId: staffID, changes: try AuditDiff(before: ["party_size": before], after: ["party_size": size])))
            return CheckInView(record)
        }
    }

    // MARK: - Reads

    func arrivalStatus() async throws -> ArrivalStatus {
        try await read { db in try Self.arrivalStatus(db) }
    }

    static func arrivalStatus(_ db: Database) throws -> ArrivalStatus {
        // Read from the trigger-kept counters (migration v7); `ArrivalCountTests` checks them against a full count.
        let invited = try Int.fetchOne(db.cachedStatement(sql: "SELECT n FROM invited_count WHERE id = 1")) ?? 0
        let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT door, n, people, walkins FROM arrival_count WHERE n > 0"))
        return assemble(invited: invited, rows: rows)
    }

    /// The same figures counted from scratch; the counters must always agree with this.
    static func countedArrivalStatus(_ db: Database) throws -> ArrivalStatus {
        let invited = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invitee WHERE walk_in = 0 AND status = 'active'") ?? 0
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT door, COUNT(*) AS n, SUM(party_size) AS people, SUM(walk_in) AS walkins FROM active_checkin GROUP BY door
                """)
        return assemble(invited: invited, rows: rows)
    }

    /// Rows of (door, n, people, walkins) into the status the screens show.
    private static func assemble(invited: Int, rows: [Row]) -> ArrivalStatus {
        var byDoor: [String: Int] = [:], peopleByDoor: [String: Int] = [:]
        var arrived = 0, people = 0, walkins = 0
        for row in rows {
            let door: String = row["door"], n: Int = row["n"], p: Int = row["people"], w: Int = row["walkins"]
            byDoor[door] = n; peopleByDoor[door] = p
            arrived += n; people += p; walkins += w
        }
        return ArrivalStatus(
            invited: invited, arrived: arrived, arrivedPeople: people, walkins: walkins,
            byDoor: byDoor, peopleByDoor: peopleByDoor)
    }

    /// Guests checked in now (not undone), newest first, with who they are: the sales page picks from these.
    func recentCheckIns(limit: Int) async throws -> [ArrivedGuest] {
        try await read { db in
            try CheckInRecord.active().order(CheckInRecord.Columns.id.desc).limit(limit).fetchAll(db).compactMap { c in
                guard let i = try InviteeRecord.fetchOne(db, key: c.inviteeId) else { return nil }
                return ArrivedGuest(checkin: CheckInView(c), invitee: InviteeView(i))
            }
        }
    }

    /// Failed scans, newest first.
    func scanFailures(limit: Int) async throws -> [ScanFailureRecord] {
        try await read { db in try ScanFailureRecord.order(sql: "at DESC").limit(limit).fetchAll(db) }
    }

}
