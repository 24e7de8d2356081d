import Foundation
import Hummingbird
import KioskFormats

/// Checkpoints and packs from enrolled kiosks, verified exactly as the contract lists before anything is stored.
enum IntakeRoutes {
    static func add(_ on: HQRoutes.On, _ s: HQServices) {
        on(.post, "/api/checkpoints", .public) { req, _, _ in
            let note = String(decoding: try await req.bytes(limit: 64 << 10), as: UTF8.self)
            let kiosk = try await signer(of: note, s)
            let checkpoint: AuditCheckpoint
            do {
                let text = try SignedNote.open(note, keys: [kiosk.noteKey])
                guard let c = AuditCheckpoint(text: text), c.origin == kiosk.noteKey.name else {
                    throw HQError.invalid("bad_note", "签名内容不是检查点 / The note is not a checkpoint of this kiosk")
                }
                checkpoint = c
            } catch let e as SignedNote.Failure {
                await s.store.refuse(kioskID: kiosk.kioskID, what: "checkpoint", problems: [PackProblem("signature", e.description)])
                throw HQError.invalid("bad_signature", "检查点签名无效 / The checkpoint's signature does not verify: \(e)")
            }
            switch try await s.store.takeIn(checkpoint: checkpoint, note: note, kiosk: kiosk) {
            case .stored: return try HQJSON.response(["kiosk_id": kiosk.kioskID, "n": "\(checkpoint.n)"], status: .created)
            case .held: return try HQJSON.response(["kiosk_id": kiosk.kioskID, "n": "\(checkpoint.n)"])
            case .fork(_, let message): throw fork(message)
            }
        }
        on(.post, "/api/packs", .public) { req, _, _ in
            let zip = try await req.bytes(limit: s.config.maxPackBytes)
            let (answer, status) = try await takeIn(zip: zip, s)
            return try HQJSON.response(answer, status: status)
        }
    }

    /// One pack's intake, as `POST /api/packs` and the demo do it: unzipped under limits, verified against the enrolled
    /// key and what is held, stored whole or refused with only the refusal kept.
    static func takeIn(zip: Data, _ s: HQServices, at now: Date? = nil) async throws -> (PackAnswer, HTTPResponse.Status) {
        let now = now ?? s.config.now()
        let files = try PackArchive.files(zip)
        guard let manifestData = files["manifest.json"],
            let head = try? JSONSerialization.jsonObject(with: manifestData) as? [String: Any], let kioskID = head["kiosk_id"] as? String
        else {
            let problem = PackProblem("format", "manifest.json is missing or unreadable")
            await s.store.refuse(kioskID: nil, what: "pack", problems: [problem])
            throw HQError(.unprocessableContent, "pack_rejected", "资料包被拒收 / The pack was refused", problems: [problem])
        }
        guard let kiosk = try await s.store.kiosk(kioskID) else { throw unknownKey }
        var problems: [PackProblem] = []
        var contents: PackContents?
        do { contents = try PackContents.open(files, key: kiosk.noteKey) } catch {
            problems = (error as? PackRefusal)?.problems ?? [PackProblem("format", "\(error)")]
        }
        if let c = contents, let code = c.manifest.dealerCode, code != kiosk.dealerCode {
            problems.append(PackProblem("dealer", "manifest names dealer \(code); the kiosk is enrolled for \(kiosk.dealerCode)"))
        }
        let week = contents.flatMap { Week.of(day: $0.manifest.event.date) }
        if contents != nil, week == nil { problems.append(PackProblem("format", "event.date is not a day YYYY-MM-DD")) }
        guard problems.isEmpty, let contents, let week else {
            await s.store.refuse(kioskID: kiosk.kioskID, what: "pack", problems: problems)
            throw HQError(
                .unprocessableContent, "pack_rejected", "资料包被拒收 / The pack was refused: \(problems.count) check(s) failed", problems: problems)
        }
        let campaign = try await s.campaign()
        let late = now > (Week.deadline(of: week, hour: campaign.deadlineHour) ?? .distantFuture)
        let note = String(decoding: files["manifest.sig"] ?? Data(), as: UTF8.self)
        switch try await s.store.takeIn(pack: contents, note: note, kiosk: kiosk, week: week, late: late, at: now) {
        case .stored(let id, let n): return (PackAnswer(packId: id, dealerCode: kiosk.dealerCode, inspections: n, late: late), .created)
        case .held(let id, let n): return (PackAnswer(packId: id, dealerCode: kiosk.dealerCode, inspections: n, late: nil), .ok)
        case .fork(_, let message): throw fork(message)
        }
    }

    struct PackAnswer: Encodable { let packId: String; let dealerCode: String; let inspections: Int; let late: Bool? }

    static let unknownKey = HQError(.unauthorized, "unknown_key", "这台电脑的密钥未登记 / The kiosk's key is not enrolled")

    static func fork(_ message: String) -> HQError {
        HQError(.conflict, "fork", "与厂家已收到的签名记录矛盾（历史被改写）/ Contradicts what the manufacturer holds (a rewritten history): \(message)")
    }

    /// The enrolled kiosk whose key name signs the note; 401 when none does.
    static func signer(of note: String, _ s: HQServices) async throws -> EnrolledKiosk {
        guard let parsed = try? SignedNote.parse(note) else {
            throw HQError.invalid("bad_note", "不是签名记录 / The body is not a signed note")
        }
        for sig in parsed.signatures where sig.name.hasPrefix("eventkiosk/") {
            if let k = try await s.store.kiosk(String(sig.name.dropFirst("eventkiosk/".count))) { return k }
        }
        throw unknownKey
    }
}
