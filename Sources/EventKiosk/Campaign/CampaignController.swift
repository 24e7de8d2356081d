import Foundation
import KioskFormats
import Hummingbird

/// Before the day: calls and their outcomes, the campaign board, where consultants work, and the reminder rounds.
struct CampaignController {
    let db: AppDatabase

    func register(on api: APIRouter) {
        api.post("/api/invitees/{id}/contacts", .only(.sales), contact)
        api.get("/api/invitees/{id}/contacts", .only(.sales)) { _, context in .json(try await db.contacts(inviteeID: try context.id())) }
        api.get("/api/campaign", .only(.sales)) { _, _ in .json(try await db.campaignBoard()) }
        api.get("/api/campaign/guests", .only(.sales)) { _, context in .json(try await db.campaignGuests(consultant: try Self.mine(context))) }
        api.put("/api/campaign/posts", .admin, setPost)
        api.get("/api/reminders", .only(.sales)) { _, context in .json(try await db.reminders(consultant: try Self.mine(context))) }
        api.get("/api/reminders/{round}/sms.csv", .only(.sales), smsBatch)
        api.post("/api/reminders/{round}/done", .only(.sales)) { _, context in
            try await db.markReminderDone(round: try Self.round(context), consultant: try Self.mine(context), by: try context.requireStaff())
            return .json(["done": true])
        }
    }

    /// A consultant sees their own guests; an admin everyone's (nil).
    static func mine(_ context: AppRequestContext) throws -> String? {
        let staff = try context.requireStaff()
        return staff.role == .admin ? nil : staff.name
    }

    static func round(_ context: AppRequestContext) throws -> Int {
        guard let raw = context.parameters.get("round"), let n = Int(raw), n >= 0 else {
            throw APIError.notFound("没有这一轮提醒 / No such reminder round")
        }
        return n
    }

    struct ContactBody: Decodable { let outcome: String?; let note: String? }
    struct ContactAnswer: Encodable { let contact: ContactView; let invitee: InviteeView }

    /// `POST /api/invitees/{id}/contacts {"outcome", "note"}`: one call, two taps on the consultant's phone.
    @Sendable func contact(_ request: Request, context: AppRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let body = try await request.decodeJSON(as: ContactBody.self, context: context)
        let (contact, invitee) = try await db.recordContact(inviteeID: try context.id(), outcome: body.outcome ?? "", note: body.note, staff: staff)
        return .json(ContactAnswer(contact: contact, invitee: invitee.seen(by: staff)), status: .created)
    }

    struct PostBody: Decodable { let name: String?; let post: String? }

    @Sendable func setPost(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(as: PostBody.self, context: context)
        try await db.setConsultantPost(name: body.name ?? "", post: body.post ?? "", staffID: context.staff?.staffID)
        return .json(try await db.campaignBoard())
    }

    /// The round's SMS batch for the SMS platform: name, phone, and the text with the guest's personal link filled in;
    /// UTF-8 with BOM. Only the confirmed guests who have not arrived yet.
    @Sendable func smsBatch(_ request: Request, context: AppRequestContext) async throws -> Response {
        let n = try Self.round(context)
        guard let reminder = try await db.reminders(consultant: try Self.mine(context)).first(where: { $0.round == n }) else {
            throw APIError.notFound("没有这一轮提醒 / No reminder round \(n)")
        }
        guard reminder.kind == "sms" else {
            throw APIError(.unprocessableContent, "not_sms", "这一轮是电话提醒，没有短信 / Round \(n) is a call round, not an SMS")
        }
        let base = LinkBase.publicBase(try await db.event())
        let codes = Dictionary(try await db.allInvitees().map { ($0.id, $0.code) }, uniquingKeysWith: { a, _ in a })
        let rows = reminder.recipients.map { g -> [String] in
            // Read at home: the public link, or what works without the laptop (`LinkBase`).
            let code = codes[g.id] ?? ""
            let link = base.map { "\($0)/c/\(code)" } ?? LinkBase.noLinkText(code: code, phone: g.phone)
            let text = (reminder.text ?? "").replacingOccurrences(of: "{name}", with: g.name).replacingOccurrences(of: "{link}", with: link)
            return [g.name, g.phone, text.contains(link) ? text : "\(text) \(link)", g.consultant ?? ""]
        }
        var response = CSVWriter.response(
            CSVWriter.document(header: ["姓名", "手机", "短信内容", "销售顾问"], rows: rows),
            filename: "sms-\(reminder.at.replacingOccurrences(of: ":", with: "")).csv")
        if base == nil { response.notice(LinkBase.noPublicURL) }
        return response
    }
}
