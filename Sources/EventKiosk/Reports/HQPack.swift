import Foundation
import GRDB
import KioskFormats

/// The pack for the manufacturer (`eventkiosk-pack/2`, CONTRACT "Signed records"): the audit log and the rows the
/// manufacturer pays on, the draws and the wheel, all read in one transaction so every row has its log entry and every
/// entry its row; its rows are versioned export rows (fixed columns, whatever the tables become); a signed manifest with
/// every checkpoint.
/// A customer's full name and phone only where they consented to the manufacturer's call; otherwise masked.
public enum HQPack {
    /// The export rows' version: a column added or changed means a new number.
    static let rowVersion = "1"

    struct Snapshot: Sendable {
        var audit: [AuditRow] = []
        var checkpoints: [String] = []
        var inspections: [InspectionView] = []
        var followUps: [[String]] = []
        var checkins: [[String]] = []
        var closed = false
        var base: PackManifest.Start?
        var draws = Data()
        var wheel = Data()
        var jumps: [PackManifest.Jump] = []
    }

    public static func build(db: AppDatabase, now: Date? = nil) async throws -> Data {
        let now = now ?? db.now()
        guard let event = try await db.event() else { throw DomainError.notFound("尚未加载活动 / No event loaded") }
        let snap = try await db.read { db in
            let cell = EvidencePack.cell
            var s = Snapshot()
            s.audit = try Row.fetchAll(db, sql: "SELECT seq, entry, prev_hash, hash FROM audit ORDER BY seq")
                .map { AuditRow(seq: $0["seq"], entry: $0["entry"], prevHash: $0["prev_hash"], hash: $0["hash"]) }
            s.checkpoints = try CheckpointRecord.order(CheckpointRecord.Columns.id).fetchAll(db).map(\.note)
            s.inspections = try Row.fetchAll(db, sql: "SELECT \(AppDatabase.inspectionColumns) FROM inspection ORDER BY id")
                .map(InspectionView.init(row:))
            s.followUps = try Row.fetchAll(db, sql: "SELECT * FROM followup ORDER BY id").map { r in
                [
                    rowVersion, cell(r["id"]), cell(r["inspection_id"]), stamp(r["due"]), cell(r["attempts"]), r["outcome"] ?? "",
                    stamp(r["last_attempt_at"]), stamp(r["sms_sent_at"]),
                ]
            }
            s.checkins = try Row.fetchAll(db, sql: "SELECT id, invitee_id, door, party_size, at, walk_in FROM checkin ORDER BY id").map { r in
                [
                    rowVersion, cell(r["id"]), cell(r["invitee_id"]), r["door"] ?? "", cell(r["party_size"]), stamp(r["at"]),
                    (r["walk_in"] as Bool? ?? false) ? "1" : "0",
                ]
            }
            s.closed = try AppDatabase.setting(db, AppDatabase.closedKey) != nil
            s.base = try AuditLog.base(db)
            // The draws and the wheel in the same read: every spin and draw step has its log entry, and no more.
            s.draws = try JSON.encoder.encode(try AppDatabase.draws(db))
            s.wheel = try JSON.encoder.encode(try AppDatabase.wheelRecord(db))
            s.jumps = try AuditLog.jumps(db)
            return s
        }
        var files: [String: Data] = [:]
        files["audit.jsonl"] = try EvidencePack.jsonLines(snap.audit)
        files["inspections.csv"] = inspectionsCSV(snap.inspections)
        files["inspection_items.csv"] = itemsCSV(snap.inspections)
        files["followups.csv"] = CSVWriter.document(
            header: ["row_version", "followup_id", "inspection_id", "due", "attempts", "outcome", "last_attempt_at", "sms_sent_at"],
            rows: snap.followUps)
        files["checkins.csv"] = CSVWriter.document(
            header: ["row_version", "checkin_id", "invitee_id", "door", "party_size", "at", "walk_in"],
            rows: snap.checkins)
        files["draws.json"] = snap.draws
        files["wheel.json"] = snap.wheel

        let identity = db.identity
        let manifest = PackManifest(
            kioskId: identity.kioskID, publicKey: identity.publicKey, dealerCode: identity.keep.enrolment()?.dealerCode,
            event: .init(name: event.name, date: event.date, venue: event.venue, dealer: event.dealer),
            createdAt: AppDatabase.stamp(now), closed: snap.closed,
            audit: .init(
                count: snap.audit.last?.seq ?? snap.base?.n ?? 0, head: snap.audit.last?.hash ?? snap.base?.hash ?? AuditChain.genesis,
                from: snap.base, jumps: snap.jumps.isEmpty ? nil : snap.jumps),
            files: files, checkpoints: snap.checkpoints)
        let (manifestData, signature) = try manifest.seal(time: AppDatabase.stamp(now), signer: identity.signer)
        var zip = ZipWriter(date: now)
        zip.add("manifest.json", manifestData)
        zip.add("manifest.sig", signature)
        for name in files.keys.sorted() { zip.add(name, files[name]!) }
        return zip.finish()
    }

    static func inspectionsCSV(_ list: [InspectionView]) -> Data {
        let header = [
            "row_version", "inspection_id", "client_id", "at", "technician", "plate", "vin", "model", "mileage_km", "customer_name",
            "customer_phone", "consent_hq_call", "gift", "sticker", "advise", "urgent", "signed", "content_sha256",
        ]
        let flag = { (b: Bool) in b ? "1" : "0" }
        return CSVWriter.document(
            header: header,
            rows: list.map { i in
                // Full name and phone only for a customer who consented to the manufacturer's call (PIPL art. 23).
                let name = i.customerName.map { i.consentHqCall ? $0 : NameMask.mask($0) } ?? ""
                let phone = i.customerPhone.map { i.consentHqCall ? $0 : PhoneNumber.mask($0) } ?? ""
                return [
                    rowVersion, String(i.id), i.clientId, AppDatabase.stamp(i.at), i.technician, i.plate ?? "", i.vin ?? "", i.model ?? "",
                    i.mileageKm.map(String.init) ?? "", name, phone, flag(i.consentHqCall), flag(i.gift), flag(i.sticker),
                    String(i.yellowCount), String(i.redCount), flag(i.signed), i.contentSha256 ?? "",
                ]
            })
    }

    static func itemsCSV(_ list: [InspectionView]) -> Data {
        CSVWriter.document(
            header: ["row_version", "inspection_id", "no", "item_id", "name", "status", "advice", "decision", "parts_yuan", "labour_yuan"],
            rows: list.flatMap { i in
                i.items.map { it in
                    [
                        rowVersion, String(i.id), String(it.no), it.id, it.name, it.status.rawValue, it.advice ?? "", it.decision?.rawValue ?? "",
                        it.partsYuan.map(String.init) ?? "", it.labourYuan.map(String.init) ?? "",
                    ]
                }
            })
    }

    static func stamp(_ d: Date?) -> String { d.map(AppDatabase.stamp) ?? "" }
}
