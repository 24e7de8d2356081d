import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// The kiosk's link to the manufacturer's service (issue 25, CONTRACT "Enrolment and sending"): enrolment with a
/// one-time code, and the queue of checkpoints and packs, sent whenever the service can be reached. One actor, so
/// the timer and the admin's 立即上报 never send the same item at once.
public actor HQLink {
    let db: AppDatabase
    let transport: any HQTransport
    /// What the last try to reach the service found, for the admin page (nil: nothing tried yet).
    var lastContact: Contact?

    struct Contact: Encodable, Sendable {
        var at: Date
        var reached: Bool
        var message: String
    }

    public init(db: AppDatabase, transport: any HQTransport) {
        self.db = db
        self.transport = transport
    }

    // MARK: - Enrolment

    /// Registers the kiosk's key with the service at `hqURL` under the dealer of `code`, and keeps the answer beside
    /// the key. Everything already signed is queued for it.
    public func enroll(hqURL: String, code: String) async throws -> HQEnrolment {
        let base = try HQDelivery.baseURL(hqURL)
        let code = code.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        guard !code.isEmpty else { throw DomainError(.badInput, "missing_code", "请填写厂家给的登记码 / Enter the enrolment code from the manufacturer") }
        let identity = db.identity
        let body = try JSONSerialization.data(withJSONObject: ["enroll_code": code, "public_key": identity.publicKey.base64EncodedString()])
        let answer: HQAnswer
        do {
            answer = try await transport.post(base.appendingPathComponent("api/enroll"), body: body, contentType: "application/json")
        } catch {
            throw DomainError(
                .unavailable, "hq_unreachable", "连不上厂家服务 \(base.absoluteString)，请检查网络 / Cannot reach \(base.absoluteString): \(error)")
        }
        guard answer.status == 201 else { throw HQDelivery.enrolRefused(answer) }
        let fields = (try? JSONSerialization.jsonObject(with: answer.body)) as? [String: Any] ?? [:]
        guard let dealer = fields["dealer_code"] as? String, fields["kiosk_id"] as? String == identity.kioskID else {
            throw DomainError(.broken, "hq_bad_answer", "厂家服务的回答不对 / The service answered something unexpected: \(HQDelivery.excerpt(answer))")
        }
        let enrolment = HQEnrolment(hqUrl: base.absoluteString, dealerCode: dealer, kioskId: identity.kioskID, enrolledAt: Stamp.text(db.now()))
        try identity.keep.saveEnrolment(enrolment)
        try await db.write { db in try AuditLog.append(db, kind: "hq_enrolled", ["hq_url": enrolment.hqUrl, "dealer_code": dealer]) }
        try await db.write { db in
            for c in try CheckpointRecord.order(CheckpointRecord.Columns.id).fetchAll(db) {
                try HQOutboxItem.queue(db, kind: .checkpoint, body: Data(c.note.utf8), n: c.n)
            }
        }
        return enrolment
    }

    // MARK: - Sending

    /// 立即上报: a checkpoint of the head and a fresh pack are queued, then everything waiting is sent.
    public func sendNow() async throws -> HQStatus {
        guard db.identity.keep.enrolment() != nil else {
            throw DomainError(.conflict, "not_enrolled", "本机尚未登记到厂家服务，请先登记 / This kiosk is not enrolled with the manufacturer yet")
        }
        try await queuePack()
        await flush()
        return try await status()
    }

    /// The day was closed: its checkpoint is queued already (`checkpoint(reason: "close")`); the closed day's pack too.
    public func dayClosed() async {
        guard db.identity.keep.enrolment() != nil else { return }
        try? await queuePack()
        await flush()
    }

    /// A pack of the day now, unless one of the same log (nothing changed since) is already sent or waiting: the
    /// manufacturer would only be given the same rows again.
    func queuePack() async throws {
        _ = try await db.checkpoint(reason: "sent")
        let n = Int64(try await db.auditHead().seq)
        if let last = try await db.lastHQPack(), last.n == n, last.state == .sent || last.state == .waiting { return }
        try await db.queueForHQ(kind: .pack, body: try await HQPack.build(db: db), n: n)
    }

    /// The timer's turn: a checkpoint when the log has moved since the last one, then everything waiting is sent.
    func tick() async {
        guard db.identity.keep.enrolment() != nil else { return }
        _ = try? await db.checkpoint(reason: "sent")
        await flush()
    }

    /// Sends what waits, oldest first, and stops at the first item the service cannot be reached for (it stays
    /// queued). A refusal is kept with the service's answer and the next item goes on.
    @discardableResult
    public func flush() async -> Int {
        guard let enrolment = db.identity.keep.enrolment(), let base = URL(string: enrolment.hqUrl) else { return 0 }
        guard let items = try? await db.hqWaiting() else { return 0 }
        var sent = 0
        for item in items {
            guard let id = item.id else { continue }
            let (path, type) = item.kind == .pack ? ("api/packs", "application/zip") : ("api/checkpoints", "text/plain; charset=utf-8")
            let answer: HQAnswer
            do {
                answer = try await transport.post(base.appendingPathComponent(path), body: item.body, contentType: type)
            } catch {
                lastContact = Contact(at: db.now(), reached: false, message: "连不上 / Cannot reach \(enrolment.hqUrl): \(error)")
                try? await db.recordHQAttempt(id, HQAttempt(state: .waiting, status: nil, answer: "\(error)"))
                return sent
            }
            let state = HQDelivery.state(after: answer.status)
            lastContact = Contact(at: db.now(), reached: state != .waiting, message: "HTTP \(answer.status)")
            try? await db.recordHQAttempt(id, HQAttempt(state: state, status: answer.status, answer: HQDelivery.excerpt(answer)))
            if state == .waiting { return sent }
            if state == .sent { sent += 1 }
        }
        return sent
    }

    // MARK: - What the admin sees

    public func status() async throws -> HQStatus {
        let items = try await db.hqOutbox()
        return HQStatus(
            enrolment: db.identity.keep.enrolment(), kioskId: db.identity.kioskID, waiting: try await db.hqWaitingCount(),
            lastContact: lastContact, items: items.map(HQStatus.Item.init))
    }
}

/// `GET /api/hq`: the enrolment, the queue and what the service last answered.
public struct HQStatus: Encodable, Sendable {
    let enrolment: HQEnrolment?
    let kioskId: String
    let waiting: Int
    let lastContact: HQLink.Contact?
    let items: [Item]

    struct Item: Encodable, Sendable {
        let id: Int64
        let kind: String
        let n: Int64
        let bytes: Int
        let madeAt: Date
        let state: String
        let attempts: Int
        let lastAttemptAt: Date?
        let lastStatus: Int?
        let lastAnswer: String?
        let sentAt: Date?
        init(_ i: HQOutboxItem) {
            id = i.id ?? 0; kind = i.kind.rawValue; n = i.n; bytes = i.body.count; madeAt = i.madeAt; state = i.state.rawValue
            attempts = i.attempts; lastAttemptAt = i.lastAttemptAt; lastStatus = i.lastStatus; lastAnswer = i.lastAnswer; sentAt = i.sentAt
        }
    }
}

/// The rules of sending, apart from the I/O.
enum HQDelivery {
    /// What an HTTP status means for a queued item: taken, refused for good, or to be tried again later.
    static func state(after status: Int) -> HQOutboxItem.State {
        switch status {
        case 200..<300: .sent
        case 408, 425, 429, 500...: .waiting
        default: .refused
        }
    }

    /// The service's address as typed (`https://hq.example.com`, with or without a trailing slash or path).
    static func baseURL(_ text: String) throws -> URL {
        var text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        while text.hasSuffix("/") { text.removeLast() }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host?.isEmpty == false
        else {
            throw DomainError(
                .badInput, "bad_hq_url", "厂家服务地址应以 https:// 开头，例如 https://hq.example.com / The service address must be an http(s) URL: \(text)")
        }
        return url
    }

    static func enrolRefused(_ answer: HQAnswer) -> DomainError {
        let said = excerpt(answer)
        switch answer.status {
        case 404: return DomainError(.notFound, "unknown_code", "厂家服务不认识这个登记码 / The service does not know this enrolment code: \(said)")
        case 409: return DomainError(.conflict, "code_used", "登记码已用过，或本机已登记 / The code is used up, or this kiosk is enrolled already: \(said)")
        default: return DomainError(.broken, "hq_refused", "厂家服务拒绝登记（HTTP \(answer.status)）/ The service refused: \(said)")
        }
    }

    /// The answer's text, short enough to show and keep.
    static func excerpt(_ answer: HQAnswer) -> String { String(decoding: answer.body.prefix(2_000), as: UTF8.self) }
}

/// Every minute: a checkpoint when the log has moved, and whatever waits goes to the manufacturer if it can be reached.
public struct HQSenderService: Service {
    let link: HQLink
    let every: Duration

    public init(link: HQLink, every: Duration = .seconds(60)) { self.link = link; self.every = every }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: every)
                await link.tick()
            }
        }
    }
}
