import Crypto
import Foundation
import KioskFormats
import ZIPFoundation

/// A kiosk as the manufacturer sees one, for the demo, the tests and the bench: its own Ed25519 key, a hash-chained log
/// with an entry per saved inspection, and real signed packs (eventkiosk-pack/2) and checkpoints, written with the
/// shared formats library (and ZIPFoundation for the ZIP).
public struct SyntheticKiosk: Sendable {
    public struct Inspection: Sendable {
        public var id: Int64
        public var at: Date
        public var name: String
        public var phone: String
        public var consent: Bool
        public var urgent: [Int]
        public var advise: [Int]
        public var declined: [Int]
        public var repaired: [Int: (parts: Int, labour: Int)]
        public var followUpDoneAfter: TimeInterval?
        public var plate: String
    }

    public let signer: NoteSigner
    public var audit: [AuditRow] = []
    public var inspections: [Inspection] = []
    public var eventDate: String

    public init(eventDate: String) {
        let key = Curve25519.Signing.PrivateKey()
        signer = NoteSigner(name: KioskKey.name(publicKey: key.publicKey.rawRepresentation), privateKey: key)
        self.eventDate = eventDate
    }

    public var publicKey: Data { signer.key.publicKey }
    public var kioskID: String { KioskKey.kioskID(publicKey: publicKey) }

    /// The 21 items' names as the packs carry them (the demo reads the real template's).
    public var itemNames = (1...21).map { "检查项目\($0)" }

    public mutating func log(_ kind: String, _ data: [String: Any]) throws {
        let seq = Int64(audit.count + 1)
        let object: [String: Any] = ["seq": seq, "at": Stamp.text(Date()), "kind": kind, "data": data]
        let entry = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        let prev = audit.last?.hash ?? AuditChain.genesis
        audit.append(AuditRow(seq: seq, entry: entry, prevHash: prev, hash: sha256Hex(prev + entry)))
    }

    public static func contentHash(_ i: Inspection) -> String { sha256Hex("\(i.id)|\(i.plate)|\(i.urgent)|\(i.advise)") }

    /// An inspection saved at the kiosk: in the log with its content hash.
    @discardableResult
    public mutating func inspect(
        at: Date, name: String = "张三丰", phone: String = "13800138000", consent: Bool = true, urgent: [Int] = [], advise: [Int] = [],
        declined: [Int] = [], repaired: [Int: (parts: Int, labour: Int)] = [:], followUpDoneAfter: TimeInterval? = 2 * 86_400
    ) throws -> Int64 {
        let id = Int64(inspections.count + 1)
        let i = Inspection(
            id: id, at: at, name: name, phone: phone, consent: consent, urgent: urgent, advise: advise, declined: declined, repaired: repaired,
            followUpDoneAfter: followUpDoneAfter, plate: "苏C\(String(format: "%05d", id))")
        inspections.append(i)
        try log("inspection_saved", ["inspection_id": id, "content_sha256": Self.contentHash(i), "urgent": urgent.count, "advise": advise.count])
        return id
    }

    /// A checkpoint note of entry `n` (the head by default).
    public func checkpoint(_ n: Int? = nil) throws -> String {
        let n = n ?? audit.count
        let hash = n == 0 ? AuditChain.genesis : audit[n - 1].hash
        return try SignedNote.sign(AuditCheckpoint(origin: signer.key.name, n: Int64(n), hash: hash, time: Stamp.text(Date())).text, with: signer)
    }

    /// The pack's files, sealed; `edit` may change them before the ZIP is made (to tamper).
    public func packFiles(checkpoints: [String] = [], dealerCode: String? = nil) throws -> [String: Data] {
        let flag = { (b: Bool) in b ? "1" : "0" }
        let mask = { (s: String) in s.count > 1 ? String(s.prefix(1)) + "*" + String(s.suffix(s.count > 2 ? 1 : 0)) : s }
        var files: [String: Data] = [:]
        files["audit.jsonl"] = Data(
            try audit.map { r in
                String(
                    decoding: try JSONSerialization.data(
                        withJSONObject: ["seq": r.seq, "entry": r.entry, "prev_hash": r.prevHash, "hash": r.hash], options: [.sortedKeys]),
                    as: UTF8.self)
                    + "\n"
            }.joined().utf8)
        files["inspections.csv"] = CSVWriter.document(
            header: [
                "row_version", "inspection_id", "client_id", "at", "technician", "plate", "vin", "model", "mileage_km", "customer_name",
                "customer_phone", "consent_hq_call", "gift", "sticker", "advise", "urgent", "signed", "content_sha256",
            ],
            rows: inspections.map { i in
                [
                    "1", String(i.id), "c-\(kioskID)-\(i.id)", Stamp.text(i.at), "李师傅", i.plate, "LSVAA0000000\(i.id)", "朗逸", "32000",
                    i.consent ? i.name : mask(i.name), i.consent ? i.phone : "138****" + String(i.phone.suffix(4)), flag(i.consent), "1", "1",
                    String(i.advise.count), String(i.urgent.count), flag(!i.urgent.isEmpty), Self.contentHash(i),
                ]
            })
        files["inspection_items.csv"] = CSVWriter.document(
            header: ["row_version", "inspection_id", "no", "item_id", "name", "status", "advice", "decision", "parts_yuan", "labour_yuan"],
            rows: inspections.flatMap { i in
                (1...21).map { no in
                    let status = i.urgent.contains(no) ? "urgent" : i.advise.contains(no) ? "advise" : "ok"
                    let repair = i.repaired[no]
                    let decision = repair != nil ? "done" : i.declined.contains(no) ? "declined" : ""
                    return [
                        "1", String(i.id), String(no), "item\(no)", itemNames[no - 1], status, "", decision,
                        repair.map { String($0.parts) } ?? "", repair.map { String($0.labour) } ?? "",
                    ]
                }
            })
        files["followups.csv"] = CSVWriter.document(
            header: ["row_version", "followup_id", "inspection_id", "due", "attempts", "outcome", "last_attempt_at", "sms_sent_at"],
            rows: inspections.map { i in
                let due = i.at.addingTimeInterval(7 * 86_400)
                let done = i.followUpDoneAfter.map { Stamp.text(i.at.addingTimeInterval($0)) }
                return ["1", String(i.id), String(i.id), Stamp.text(due), done == nil ? "0" : "1", done == nil ? "" : "reached", done ?? "", ""]
            })
        files["draws.json"] = Data("[]".utf8)
        // A wheel that has not spun and whose seed is still sealed: its commitment only.
        files["wheel.json"] = try JSONEncoder().encode(
            DrawVerifier.WheelRecord(commitment: sha256Hex(Data(kioskID.utf8)), seed: nil, prizes: [], spins: []))
        let manifest = PackManifest(
            kioskId: kioskID, publicKey: publicKey, dealerCode: dealerCode,
            event: .init(name: "车主回娘家", date: eventDate, venue: "徐州", dealer: "徐州某店"), createdAt: Stamp.text(Date()), closed: true,
            audit: .init(count: Int64(audit.count), head: audit.last?.hash ?? AuditChain.genesis), files: files, checkpoints: checkpoints)
        let (m, sig) = try manifest.seal(time: Stamp.text(Date()), signer: signer)
        files["manifest.json"] = m
        files["manifest.sig"] = sig
        return files
    }

    public func pack(checkpoints: [String] = []) throws -> Data { try Self.zip(try packFiles(checkpoints: checkpoints)) }

    /// A ZIP of `files` (ZIPFoundation, deflated), in memory.
    public static func zip(_ files: [String: Data]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for name in files.keys.sorted() {
            let data = files[name]!
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw HQError(.internalServerError, "zip", "the in-memory ZIP has no data") }
        return data
    }
}
