import Foundation

/// A check a pack failed, named the way the manufacturer's refusal names it: `{"check", "message"}`.
public struct PackProblem: Equatable, Sendable, Codable {
    public let check: String
    public let message: String
    public init(_ check: String, _ message: String) { self.check = check; self.message = message }
}

/// Every check a pack failed.
public struct PackRefusal: Error, Equatable, Sendable {
    public let problems: [PackProblem]
    public init(_ problems: [PackProblem]) { self.problems = problems }
}

/// An inspection as the pack's `inspections.csv` (row version 1) carries it.
public struct ExportInspection: Equatable, Sendable {
    public var inspectionId: Int64
    public var clientId: String
    public var at: Date
    public var technician: String
    public var plate: String
    public var vin: String
    public var model: String
    public var customerName: String
    public var customerPhone: String
    public var consentHqCall: Bool
    public var gift: Bool
    public var sticker: Bool
    public var advise: Int
    public var urgent: Int
    public var contentSha256: String
}

/// One of an inspection's items (`inspection_items.csv`, row version 1).
public struct ExportItem: Equatable, Sendable {
    public var inspectionId: Int64
    public var no: Int
    public var name: String
    public var status: String
    public var decision: String
    public var partsYuan: Int
    public var labourYuan: Int
}

/// A follow-up call's state (`followups.csv`, row version 1); `doneAt` is when it was done (reached, wrong number, or
/// closed by SMS), nil while open.
public struct ExportFollowUp: Equatable, Sendable {
    public var inspectionId: Int64
    public var due: Date
    public var doneAt: Date?
}

/// A pack's files checked and read, as the manufacturer takes it in (CONTRACT "The manufacturer's service"): the pack
/// note by the enrolled key, every file against the manifest, the log re-hashed to its head, every checkpoint of the
/// manifest signed by the same key and on that chain, and every inspection row matching its entry in the log.
public struct PackContents: Sendable {
    public let manifest: PackManifest
    public let manifestSha256: String
    public let statement: PackStatement
    public let audit: [AuditRow]
    public let checkpoints: [AuditCheckpoint]
    public let inspections: [ExportInspection]
    public let items: [ExportItem]
    public let followUps: [ExportFollowUp]

    /// The pack's files (name → bytes) checked against `key`: the contents, or `PackRefusal` with every problem found.
    public static func open(_ files: [String: Data], key: NoteKey) throws -> PackContents {
        var problems: [PackProblem] = []
        guard let manifestData = files["manifest.json"], let sigData = files["manifest.sig"] else {
            throw PackRefusal([PackProblem("files", "manifest.json or manifest.sig is missing")])
        }
        guard let manifest = try? JSONDecoder().decode(PackManifest.self, from: manifestData) else {
            throw PackRefusal([PackProblem("format", "manifest.json is not an eventkiosk-pack/2 manifest")])
        }
        if manifest.format != PackManifest.format {
            problems.append(PackProblem("format", "format is \(manifest.format), not \(PackManifest.format)"))
        }
        if manifest.kioskId != KioskKey.kioskID(publicKey: key.publicKey) {
            problems.append(PackProblem("signature", "manifest.json names kiosk \(manifest.kioskId), not the enrolled key's"))
        }
        let manifestSha = sha256Hex(manifestData)
        var statement: PackStatement?
        do {
            let text = try SignedNote.open(String(decoding: sigData, as: UTF8.self), keys: [key])
            statement = PackStatement(text: text)
            if statement == nil { problems.append(PackProblem("signature", "manifest.sig does not sign a pack statement")) }
            if let s = statement, s.manifestSha256 != manifestSha || s.origin != key.name {
                problems.append(PackProblem("signature", "manifest.sig signs another manifest (\(s.manifestSha256.prefix(12))…)"))
            }
        } catch {
            problems.append(PackProblem("signature", "manifest.sig: \(error)"))
        }
        problems += manifest.fileProblems(files).map { PackProblem("files", $0) }

        let audit = auditRows(files["audit.jsonl"], &problems)
        let start = manifest.audit.from.map { AuditCheckpoint(origin: key.name, n: $0.n, hash: $0.hash, time: "") }
        let jumps = manifest.audit.jumps ?? []
        let chain = AuditChain.verify(audit, from: start, jumps: jumps)
        problems += chain.prefix(5).map { PackProblem("audit", "audit.jsonl: \($0)") }
        if chain.isEmpty {
            let head = audit.last?.hash ?? start?.hash ?? AuditChain.genesis
            let headN = audit.last?.seq ?? start?.n ?? 0
            if headN != manifest.audit.count || head != manifest.audit.head {
                problems.append(PackProblem("audit", "audit.jsonl re-hashes to entry \(headN) \(head.prefix(12))…, not the manifest's head"))
            }
        }
        var checkpoints: [AuditCheckpoint] = []
        var startSigned = false
        var jumpsSigned = Set<Int64>()
        for note in manifest.checkpoints {
            guard let text = try? SignedNote.open(note, keys: [key]), let c = AuditCheckpoint(text: text) else {
                problems.append(PackProblem("checkpoints", "a checkpoint in the manifest is not signed by the kiosk's key"))
                continue
            }
            if let start, c.n <= start.n {
                // The checkpoint the log starts from: it must sign exactly where the log says it starts.
                if c.n == start.n, c.hash == start.hash {
                    startSigned = true
                } else {
                    problems.append(PackProblem("checkpoints", "checkpoint \(c.n): before the pack's log, which starts after entry \(start.n)"))
                }
            } else if let jump = jumps.first(where: { $0.after < c.n && c.n <= $0.n }) {
                // Between a jump's ends the entries are another day's: only the one it goes on from is signed here.
                if c.n == jump.n, c.hash == jump.hash {
                    jumpsSigned.insert(jump.n)
                } else {
                    problems.append(
                        PackProblem("checkpoints", "checkpoint \(c.n): between entries \(jump.after) and \(jump.n), which this log skips"))
                }
            } else if let p = AuditChain.problem(audit, against: c) {
                problems.append(PackProblem("checkpoints", "checkpoint \(c.n): \(p)"))
            }
            checkpoints.append(c)
        }
        for jump in jumps where !jumpsSigned.contains(jump.n) {
            problems.append(
                PackProblem("audit", "the log goes on from entry \(jump.n) after entry \(jump.after), but no checkpoint signs entry \(jump.n)"))
        }
        if let start, !startSigned {
            problems.append(PackProblem("audit", "the log starts after entry \(start.n), but no checkpoint in the manifest signs that entry"))
        }
        let rows = ExportRows.read(files, audit: audit)
        problems += rows.problems
        problems += fairRecordProblems(files)
        guard problems.isEmpty, let statement else { throw PackRefusal(problems) }
        return PackContents(
            manifest: manifest, manifestSha256: manifestSha, statement: statement, audit: audit, checkpoints: checkpoints,
            inspections: rows.inspections, items: rows.items, followUps: rows.followUps)
    }

    /// The draws and the wheel recompute from their published fields (CONTRACT: "the draw and wheel records verify"):
    /// every draw that has run, and the wheel once its seed is revealed (the day closed).
    static func fairRecordProblems(_ files: [String: Data]) -> [PackProblem] {
        var problems: [PackProblem] = []
        if let data = files["draws.json"] {
            if let draws = try? JSONDecoder().decode([DrawRecord].self, from: data) {
                for d in draws where d.state == "done" {
                    problems += DrawVerifier.verify(draw: d).prefix(3).map { PackProblem("draws", "draw \(d.id) \(d.name): \($0)") }
                }
            } else {
                problems.append(PackProblem("draws", "draws.json is not a list of draw records"))
            }
        } else {
            problems.append(PackProblem("files", "draws.json is missing"))
        }
        if let data = files["wheel.json"] {
            if let wheel = try? JSONDecoder().decode(DrawVerifier.WheelRecord.self, from: data) {
                if wheel.seed != nil { problems += DrawVerifier.verify(wheel: wheel).prefix(3).map { PackProblem("wheel", "wheel.json: \($0)") } }
            } else {
                problems.append(PackProblem("wheel", "wheel.json is not a wheel record"))
            }
        } else {
            problems.append(PackProblem("files", "wheel.json is missing"))
        }
        return problems
    }

    static func auditRows(_ data: Data?, _ problems: inout [PackProblem]) -> [AuditRow] {
        guard let data else { problems.append(PackProblem("files", "audit.jsonl is missing")); return [] }
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        var rows: [AuditRow] = []
        for (i, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
            guard let row = try? d.decode(AuditRow.self, from: Data(line.utf8)) else {
                problems.append(PackProblem("audit", "audit.jsonl line \(i + 1) is not an audit entry"))
                return rows
            }
            rows.append(row)
        }
        return rows
    }
}

/// The export rows of a pack (row version 1) read by their column names, each one checked.
enum ExportRows {
    struct Read {
        var inspections: [ExportInspection] = []
        var items: [ExportItem] = []
        var followUps: [ExportFollowUp] = []
        var problems: [PackProblem] = []
    }

    static func read(_ files: [String: Data], audit: [AuditRow]) -> Read {
        var r = Read()
        func table(_ name: String) -> [(line: Int, values: [String: String])] {
            guard let data = files[name] else { r.problems.append(PackProblem("files", "\(name) is missing")); return [] }
            let rows = CSVTable(parsing: String(decoding: data, as: UTF8.self)).keyed(unguarding: true)
            for row in rows where row.values["row_version"] != "1" {
                r.problems.append(PackProblem("rows", "\(name) line \(row.line): row_version \(row.values["row_version"] ?? "?") is not 1"))
                return []
            }
            return rows
        }
        func bad(_ name: String, _ line: Int, _ what: String) { r.problems.append(PackProblem("rows", "\(name) line \(line): \(what)")) }
        for row in table("inspections.csv") {
            let v = row.values
            guard let id = Int64(v["inspection_id"] ?? ""), let at = Stamp.date(v["at"] ?? ""), let advise = Int(v["advise"] ?? ""),
                let urgent = Int(v["urgent"] ?? "")
            else { bad("inspections.csv", row.line, "inspection_id, at, advise or urgent is not readable"); continue }
            r.inspections.append(
                ExportInspection(
                    inspectionId: id, clientId: v["client_id"] ?? "", at: at, technician: v["technician"] ?? "", plate: v["plate"] ?? "",
                    vin: v["vin"] ?? "", model: v["model"] ?? "", customerName: v["customer_name"] ?? "", customerPhone: v["customer_phone"] ?? "",
                    consentHqCall: v["consent_hq_call"] == "1", gift: v["gift"] == "1", sticker: v["sticker"] == "1", advise: advise, urgent: urgent,
                    contentSha256: v["content_sha256"] ?? ""))
        }
        for row in table("inspection_items.csv") {
            let v = row.values
            guard let id = Int64(v["inspection_id"] ?? ""), let no = Int(v["no"] ?? ""), (1...99).contains(no) else {
                bad("inspection_items.csv", row.line, "inspection_id or no is not readable"); continue
            }
            r.items.append(
                ExportItem(
                    inspectionId: id, no: no, name: v["name"] ?? "", status: v["status"] ?? "", decision: v["decision"] ?? "",
                    partsYuan: Int(v["parts_yuan"] ?? "") ?? 0, labourYuan: Int(v["labour_yuan"] ?? "") ?? 0))
        }
        for row in table("followups.csv") {
            let v = row.values
            guard let id = Int64(v["inspection_id"] ?? ""), let due = Stamp.date(v["due"] ?? "") else {
                bad("followups.csv", row.line, "inspection_id or due is not readable"); continue
            }
            let outcome = v["outcome"] ?? ""
            let sms = Stamp.date(v["sms_sent_at"] ?? ""), last = Stamp.date(v["last_attempt_at"] ?? "")
            let done = ["reached", "wrong_number", "sms_sent"].contains(outcome) || (outcome == "no_answer" && sms != nil)
            r.followUps.append(ExportFollowUp(inspectionId: id, due: due, doneAt: done ? (sms ?? last) : nil))
        }
        // Every inspection row has its entry in the log, with the same content hash, and no entry lacks its row.
        var logged: [Int64: String] = [:]
        for row in audit {
            guard let obj = try? JSONSerialization.jsonObject(with: Data(row.entry.utf8)) as? [String: Any],
                obj["kind"] as? String == "inspection_saved",
                let data = obj["data"] as? [String: Any], let id = (data["inspection_id"] as? NSNumber)?.int64Value
            else { continue }
            logged[id] = data["content_sha256"] as? String ?? ""
        }
        let ids = Set(r.inspections.map(\.inspectionId))
        for i in r.inspections where logged[i.inspectionId] != i.contentSha256 {
            r.problems.append(PackProblem("rows", "inspection \(i.inspectionId) has no entry in the log with its content hash"))
        }
        for id in logged.keys.sorted() where !ids.contains(id) {
            r.problems.append(PackProblem("rows", "the log records inspection \(id), which inspections.csv lacks"))
        }
        for item in r.items where !ids.contains(item.inspectionId) {
            r.problems.append(PackProblem("rows", "an item of inspection \(item.inspectionId), which inspections.csv lacks")); break
        }
        return r
    }
}

/// RFC 3339 times as the kiosk writes them (with or without fractional seconds).
public enum Stamp {
    public static func date(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: text) { return d }
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: text)
    }

    public static func text(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }
}
