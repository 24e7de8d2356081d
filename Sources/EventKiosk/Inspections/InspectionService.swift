import Foundation
import GRDB

/// One stored inspection, as the report, the list and the API show it.
public struct InspectionView: Codable, Sendable, Equatable {
    public let id: Int64
    public let clientId: String
    public let at: Date
    public let inviteeId: Int64?
    public let customerName: String?
    public let customerPhone: String?
    public let plate: String?
    public let vin: String?
    public let model: String?
    public let mileageKm: Int?
    public let technician: String
    public let items: [EvaluatedItem]
    public let yellowCount: Int
    public let redCount: Int
    public let signed: Bool
    public let consentHqCall: Bool
    public let gift: Bool
    public let sticker: Bool
    /// SHA-256 of the stored content (`InspectionContent`), as its audit entry carries it; nil for a check saved before.
    public let contentSha256: String?

    public var redItems: [EvaluatedItem] { items.filter { $0.status == .urgent } }
    public var yellowItems: [EvaluatedItem] { items.filter { $0.status == .advise } }

    init(row r: Row) {
        id = r["id"]; clientId = r["client_id"]; at = r["at"]; inviteeId = r["invitee_id"]
        customerName = r["customer_name"]; customerPhone = r["customer_phone"]; plate = r["plate"]; vin = r["vin"]
        model = r["model"]
        mileageKm = r["mileage_km"]; technician = r["technician"]
        items = (try? JSON.decoder.decode([EvaluatedItem].self, from: Data((r["items"] as String).utf8))) ?? []
        yellowCount = r["yellow_count"]; redCount = r["red_count"]; signed = r["signed"]
        consentHqCall = r["consent_hq_call"]; gift = r["gift"]; sticker = r["sticker"]; contentSha256 = r["content_sha256"]
    }
}

/// Completed inspections per technician, for the workshop's board and the weekly report.
public struct TechnicianCount: Codable, Sendable, Equatable {
    public let technician: String
    public let inspections: Int
    public let withUrgent: Int
}

extension AppDatabase {
    static let templateKey = "inspection_template"
    static let inspectionColumns =
        "id, client_id, at, invitee_id, customer_name, customer_phone, plate, vin, model, mileage_km, technician, items, yellow_count, "
        + "red_count, signature IS NOT NULL AS signed, "
        + "consent_hq_call, gift, sticker, content_sha256"

    // MARK: - Template

    /// The inspection form in force, stored when the event is loaded so a later edit of the file cannot change old reports.
    public func inspectionTemplate() async throws -> InspectionTemplate? {
        try await read { db in
            guard let json = try Self.setting(db, Self.templateKey) else { return nil }
            return try JSON.decoder.decode(InspectionTemplate.self, from: Data(json.utf8))
        }
    }

    public func saveInspectionTemplate(_ template: InspectionTemplate) async throws {
        let problems = template.validate()
        guard problems.isEmpty else { throw EventFileError(source: "inspection_template", problems: problems) }
        let json = String(decoding: try JSON.encoder.encode(template), as: UTF8.self)
        try await write { db in try Self.setSetting(db, Self.templateKey, json) }
    }

    /// An admin's new form. Refused once a check has been saved, because old reports are printed with the form in force.
    func replaceInspectionTemplate(_ template: InspectionTemplate) async throws {
        let problems = template.validate()
        guard problems.isEmpty else { throw DomainError.invalidEvent(problems) }
        let json = String(decoding: try JSON.encoder.encode(template), as: UTF8.self)
        try await write { db in
            try Self.requireOpen(db)
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inspection") == 0 else {
                throw DomainError(
                    .conflict, "template_in_use",
                    "已有检测记录，检测表不能再换 / "
                        + "Inspections have been saved with the current form, so it can no longer be changed"
                )
            }
            try Self.setSetting(db, Self.templateKey, json)
        }
    }

    func inspectionCount() async throws -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inspection") ?? 0 }
    }

    // MARK: - Inspections

    /// Stores a checked inspection and its follow-up call in one transaction. The same `client_id` again returns the
    /// first inspection (`created == false`) and stores nothing.
    func saveInspection(_ c: CheckedInspection, staffID: Int64?) async throws -> (InspectionView, created: Bool) {
        try await write { db in
            if let existing = try Self.inspection(db, clientID: c.clientId) { return (existing, false) }
            var name = c.customerName, phone = c.customerPhone, plate = c.plate, vin = c.vin, model = c.model, inviteeID = c.inviteeId
            var invitee: InviteeRecord?
            if let id = c.inviteeId {
                guard let found = try InviteeRecord.fetchOne(db, key: id) else {
                    throw DomainError(
                        .invalid, "invalid_inspection", "没有这位来宾 / No invitee with id \(id)",
                        extra: ["problems": .array([.object(["item": .null, "message": .string("invitee_id \(id) does not exist")])])])
                }
                invitee = found
            } else if let plate {
                invitee = try InviteeRecord.filter(InviteeRecord.Columns.plate == plate).fetchOne(db)
            } else if let vin {
                invitee = try InviteeRecord.filter(InviteeRecord.Columns.vin == vin).fetchOne(db)
            }
            if let invitee {
                inviteeID = invitee.id
                name = name ?? invitee.name; phone = phone ?? invitee.phone
                plate = plate ?? invitee.plate; vin = vin ?? invitee.vin; model = model ?? invitee.model
            }
            let now = Self.writeTime
            let itemsJSON = String(decoding: try JSON.encoder.encode(c.items), as: UTF8.self)
            let content = InspectionContent(
                clientId: c.clientId, inviteeId: inviteeID, customerName: name, customerPhone: phone, plate: plate, vin: vin,
                model: model, mileageKm: c.mileageKm, technician: c.technician, items: c.items, at: now,
                signatureSha256: c.signature.map(sha256Hex), photoSha256: c.photos.mapValues(sha256Hex),
                consentHqCall: c.consentHqCall, gift: c.gift, sticker: c.sticker)
            let contentHash = try content.sha256()
            try db.execute(
                sql: """
                    INSERT INTO inspection(client_id, invitee_id, customer_name, customer_phone, plate, vin, model, mileage_km, technician,
                                           staff_id, items, yellow_count, red_count, signature, at, consent_hq_call, gift, sticker,
                                           content_sha256) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                    """,
                arguments: [
                    c.clientId, inviteeID, name, phone, plate, vin, model, c.mileageKm, c.technician, staffID, itemsJSON,
                    c.items.filter { $0.status == .advise }.count, c.urgentItems.count, c.signature, now,
                    c.consentHqCall, c.gift, c.sticker, contentHash,
                ])
            let id = db.lastInsertedRowID
            // What the manufacturer pays on rests on the chain: the check itself (by its content's hash), the gift and
            // sticker handed out, the consent, and each repair decision.
            try AuditLog.append(db, kind: "inspection_saved", InspectionAudit(id: id, content: content, hash: contentHash))
            for (item, data) in c.photos.sorted(by: { $0.key < $1.key }) {
                var photo = InspectionPhotoRecord(inspectionId: id, itemId: item, data: data)
                try photo.insert(db)
            }
            // Dealer practice: every inspected customer is called back within a week (质量跟踪回访).
            var followUp = FollowUpRecord(inspectionId: id, due: now.addingTimeInterval(7 * 86_400))
            try followUp.insert(db)
            return (try Self.inspection(db, id: id)!, true)
        }
    }

    static func inspection(_ db: Database, id: Int64) throws -> InspectionView? {
        try Row.fetchOne(db, sql: "SELECT \(inspectionColumns) FROM inspection WHERE id = ?", arguments: [id]).map(InspectionView.init(row:))
    }

    static func inspection(_ db: Database, clientID: String) throws -> InspectionView? {
        try Row.fetchOne(db, sql: "SELECT \(inspectionColumns) FROM inspection WHERE client_id = ?", arguments: [clientID]).map(
            InspectionView.init(row:))
    }

    func inspection(id: Int64) async throws -> InspectionView {
        guard let found = try await read({ db in try Self.inspection(db, id: id) }) else {
            throw DomainError.notFound("没有这份检查单 / No inspection with id \(id)")
        }
        return found
    }

    func inspection(clientID: String) async throws -> InspectionView? {
        try await read { db in try Self.inspection(db, clientID: clientID) }
    }

    /// Newest first; `ascending` gives the 汇总表's date order.
    func inspections(limit: Int = 10_000, offset: Int = 0, ascending: Bool = false) async throws -> [InspectionView] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.inspectionColumns) FROM inspection ORDER BY id \(ascending ? "ASC" : "DESC") LIMIT ? OFFSET ?",
                arguments: [limit, offset]
            ).map(InspectionView.init(row:))
        }
    }

    /// The last inspection of the same car (by plate, else VIN) before `before`, for "last time" values.
    func previousInspection(plate: String?, vin: String?, before: Date? = nil) async throws -> InspectionView? {
        try await read { db in
            guard plate != nil || vin != nil else { return nil }
            return try Row.fetchOne(
                db,
                sql: """
                    SELECT \(Self.inspectionColumns) FROM inspection WHERE (plate = ? OR vin = ?) AND at < ? ORDER BY at DESC LIMIT 1
                    """, arguments: [plate, vin, before ?? .distantFuture]
            ).map(InspectionView.init(row:))
        }
    }

    func inspectionPhoto(id: Int64, item: String) async throws -> Data? {
        try await read { db in
            try Data.fetchOne(db, sql: "SELECT data FROM inspection_photo WHERE inspection_id = ? AND item_id = ?", arguments: [id, item])
        }
    }

    func inspectionSignature(id: Int64) async throws -> Data? {
        try await read { db in try Data.fetchOne(db, sql: "SELECT signature FROM inspection WHERE id = ?", arguments: [id]) }
    }

    func technicianCounts() async throws -> [TechnicianCount] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT technician, COUNT(*) AS n, SUM(red_count > 0) AS urgent FROM inspection GROUP BY technician ORDER BY n DESC, technician
                    """
            ).map { TechnicianCount(technician: $0["technician"], inspections: $0["n"], withUrgent: $0["urgent"]) }
        }
    }
}
