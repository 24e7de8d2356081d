import Foundation
import GRDB

/// The result of one import, as the contract gives it.
public struct ImportResult: Codable, Sendable, Equatable {
    public let imported: Int
    public let updated: Int
    public let rejected: [ImportRejection]
    public let encoding: String
}

extension AppDatabase {
    /// Stores an import in one transaction: a new phone adds an invitee with a fresh code; a known phone updates it.
    /// A field the file leaves empty (or has no column for) keeps its stored value. A sales import cannot touch a guest
    /// of another consultant (issue 23): that row is reported, and the guest stays as they were.
    func importInvitees(_ parsed: InviteeImport, by staff: StaffSession? = nil) async throws -> ImportResult {
        try await write { db in
            var imported = 0, updated = 0
            let now = Self.writeTime
            // One read of what exists, instead of a query per row: a 5,000-row file stays well under a second.
            var byPhone = Dictionary(try InviteeRecord.fetchAll(db).map { ($0.phone, $0) }, uniquingKeysWith: { a, _ in a })
            var codes = Set(byPhone.values.map(\.code))
            var added: [Int64] = [], changed: [ImportAudit.Changed] = []
            var rejected = parsed.rejected
            let salesName = staff?.role == .sales ? staff?.name : nil
            for (line, var draft) in parsed.rows {
                if let salesName { draft.consultant = draft.consultant ?? salesName }
                if var existing = byPhone[draft.phone] {
                    if let salesName, let owner = existing.consultant, owner != salesName {
                        rejected.append(
                            ImportRejection(
                                line: line,
                                reason: "这位来宾属于销售顾问「\(owner)」，只有本人或管理员可以修改 / "
                                    + "this guest belongs to consultant \(owner); only they or an admin may change them"))
                        continue
                    }
                    let before = existing
                    existing.name = draft.name
                    existing.plate = draft.plate ?? existing.plate
                    existing.vin = draft.vin ?? existing.vin
                    existing.model = draft.model ?? existing.model
                    existing.consultant = draft.consultant ?? existing.consultant
                    if draft.partySizeGiven { existing.partySize = draft.partySize }
                    existing.updatedAt = now
                    try existing.update(db)
                    byPhone[draft.phone] = existing
                    updated += 1
                    let diff = try AuditDiff(before: InviteeAuditView(before), after: InviteeAuditView(existing))
                    if !diff.isEmpty { changed.append(.init(inviteeId: existing.id ?? 0, changes: diff)) }
                } else {
                    var code = CheckInCode.generate()
                    while !codes.insert(code).inserted { code = CheckInCode.generate() }
                    var record = InviteeRecord(
                        id: nil, name: draft.name, phone: draft.phone, plate: draft.plate, vin: draft.vin,
                        model: draft.model, consultant: draft.consultant, partySize: draft.partySize,
                        code: code, status: "active", walkIn: false, createdAt: now, updatedAt: now)
                    try record.insert(db)
                    byPhone[draft.phone] = record
                    imported += 1
                    added.append(record.id ?? 0)
                }
            }
            rejected.sort { $0.line < $1.line }
            try AuditLog.append(db, kind: "invitees_imported", ImportAudit(added: added, changed: changed, rejected: rejected.count))
            return ImportResult(imported: imported, updated: updated, rejected: rejected, encoding: parsed.encoding.rawValue)
        }
    }

    /// The guest with this phone number, or a new walk-in made from the draft: the one rule that the door's walk-ins and
    /// the sales page's new customers share (a phone number is one guest).
    static func findOrCreateWalkIn(_ db: Database, _ draft: InviteeDraft, at now: Date = Self.writeTime) throws -> InviteeRecord {
        if let existing = try InviteeRecord.filter(InviteeRecord.Columns.phone == draft.phone).fetchOne(db) { return existing }
        var record = InviteeRecord(
            id: nil, name: draft.name, phone: draft.phone, plate: draft.plate, vin: draft.vin, model: draft.model,
            consultant: draft.consultant, partySize: draft.partySize, code: try freshCode(db),
            status: "active", walkIn: true, createdAt: now, updatedAt: now)
        try record.insert(db)
        return record
    }

    /// A code no other invitee has (a clash at 100 bits is not expected, but it is checked).
    static func freshCode(_ db: Database) throws -> String {
        while true {
            let code = CheckInCode.generate()
            if try InviteeRecord.filter(InviteeRecord.Columns.code == code).fetchCount(db) == 0 { return code }
        }
    }

    // MARK: - Reads

    /// Search by name, plate, phone or its last 4 digits, or a scanned check-in code; without a query, every invitee in id order.
    func invitees(query: String?, limit: Int, offset: Int) async throws -> (total: Int, items: [InviteeView]) {
        try await read { db in
            var request = InviteeRecord.all()
            if let q = query?.trimmed, !q.isEmpty {
                let escaped = q.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(
                    of: "_", with: "\\_")
                let plate = Plate.normalize(escaped)
                let digits = q.filter(\.isNumber)
                var sql = "name LIKE ? ESCAPE '\\' OR plate LIKE ? ESCAPE '\\' OR vin = ?"
                var args: [any DatabaseValueConvertible] = ["%\(escaped)%", "%\(plate)%", q.uppercased()]
                if let code = CheckInCode.extract(from: q) {
                    // A scanned QR (bare code or personal link) finds its invitee.
                    sql += " OR code = ?"; args.append(code)
                }
                if digits.count == q.count {
                    // All digits: last four of the phone, or any part of it.
                    sql += " OR phone LIKE ?"
                    args.append(digits.count == 4 ? "%\(digits)" : "%\(digits)%")
                } else if let phone = PhoneNumber.normalize(q) {
                    sql += " OR phone = ?"; args.append(phone)
                }
                request = request.filter(sql: sql, arguments: StatementArguments(args))
            }
            let total = try request.fetchCount(db)
            var items = try request.order(InviteeRecord.Columns.id).limit(limit, offset: offset).fetchAll(db).map(InviteeView.init)
            // Who is here: the first check-in not undone of each guest on the page.
            let ids = items.map(\.id)
            if !ids.isEmpty {
                let arrived = Dictionary(
                    try Row.fetchAll(
                        db,
                        sql:
                            "SELECT invitee_id, MIN(at) AS at FROM active_checkin WHERE invitee_id IN (\(ids.map { _ in "?" }.joined(separator: ",")))"
                            + " GROUP BY invitee_id", arguments: StatementArguments(ids)
                    ).map { ($0["invitee_id"] as Int64, $0["at"] as Date) }, uniquingKeysWith: { a, _ in a })
                for n in items.indices { items[n].arrivedAt = arrived[items[n].id] }
            }
            return (total, items)
        }
    }

    func invitee(id: Int64) async throws -> InviteeView {
        try await read { db in
            guard let r = try InviteeRecord.fetchOne(db, key: id) else { throw DomainError.notFound("没有这位来宾 / No invitee with id \(id)") }
            return InviteeView(r)
        }
    }

    func invitee(code: String) async throws -> InviteeView? {
        try await read { db in try InviteeRecord.filter(InviteeRecord.Columns.code == code).fetchOne(db).map(InviteeView.init) }
    }

    func allInvitees() async throws -> [InviteeView] {
        try await read { db in try InviteeRecord.order(InviteeRecord.Columns.id).fetchAll(db).map(InviteeView.init) }
    }
}

/// An import in the audit log: who was added, and each change to a known guest with its values before and after.
struct ImportAudit: Encodable {
    struct Changed: Encodable { let inviteeId: Int64; let changes: AuditDiff }
    let added: [Int64]
    let changed: [Changed]
    let rejected: Int
}

/// The invitee fields an edit or an import can change, as the audit log compares them.
struct InviteeAuditView: Encodable {
    let name: String, phone: String, plate: String?, vin: String?, model: String?, consultant: String?, partySize: Int, status: String
    init(_ r: InviteeRecord) {
        name = r.name; phone = r.phone; plate = r.plate; vin = r.vin; model = r.model; consultant = r.consultant
        partySize = r.partySize; status = r.status
    }
}
