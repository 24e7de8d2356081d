import Foundation
import GRDB

/// A guest as a consultant's phone lists them: the invitation's state, the last call, and whether they came and ordered.
public struct CampaignGuest: Codable, Sendable, Equatable {
    public let id: Int64
    public let name: String
    public let phone: String
    public let partySize: Int
    public let consultant: String?
    public let invitation: String
    public let arrived: Bool
    public let ordered: Bool
    /// On one of the buses (boarding is not arrival).
    public let boarded: Bool
    public let lastContact: ContactView?
}

/// A reminder round as a consultant's page shows it: due or not, done or not, and who it goes to now.
public struct ReminderView: Encodable, Sendable {
    public let round: Int
    public let at: String
    public let kind: String
    public let text: String?
    public let due: Bool
    public let doneBy: String?
    public let doneAt: Date?
    /// Confirmed guests who have neither arrived nor boarded a bus yet: a later round goes only to them.
    public let recipients: [CampaignGuest]
}

extension AppDatabase {
    /// Records a call and its outcome. Sales record only for their own guests (the invitee's consultant is them);
    /// an admin for anyone. The invitation takes the outcome; the change is audited.
    func recordContact(inviteeID: Int64, outcome: String, note: String?, staff: StaffSession) async throws -> (ContactView, InviteeView) {
        guard InvitationOutcome.recordable.contains(outcome) else {
            throw DomainError(
                .invalid, "invalid_outcome",
                "结果须为 \(InvitationOutcome.recordable.joined(separator: "、")) / "
                    + "outcome must be one of \(InvitationOutcome.recordable.joined(separator: ", ")), got \"\(outcome.prefix(30))\""
            )
        }
        return try await write { db in
            guard var invitee = try InviteeRecord.fetchOne(db, key: inviteeID) else {
                throw DomainError.notFound("没有这位来宾 / No invitee with id \(inviteeID)")
            }
            if staff.role != .admin, invitee.consultant != staff.name {
                throw DomainError(
                    .forbidden, "not_your_guest",
                    "这位来宾的顾问是「\(invitee.consultant ?? "（未分配）")」，不是您 / "
                        + "This guest's consultant is \(invitee.consultant ?? "nobody"), not you")
            }
            var contact = ContactRecord(
                id: nil, inviteeId: inviteeID, at: Self.writeTime, staffId: staff.staffID, byName: staff.name, outcome: outcome,
                note: note.flatMap { $0.trimmed.isEmpty ? nil : String($0.trimmed.prefix(200)) })
            try contact.insert(db)
            let before = invitee.invitation
            invitee.invitation = outcome
            invitee.updatedAt = contact.at
            try invitee.update(db)
            try AuditLog.append(
                db, kind: "contact",
                ContactAudit(
                    inviteeId: inviteeID, staffId: staff.staffID,
                    changes: try AuditDiff(before: ["invitation": before], after: ["invitation": outcome])))
            return (ContactView(contact), InviteeView(invitee))
        }
    }

    private struct ContactAudit: Encodable { let inviteeId: Int64; let staffId: Int64?; let changes: AuditDiff }

    func contacts(inviteeID: Int64) async throws -> [ContactView] {
        try await read { db in
            try ContactRecord.filter(ContactRecord.Columns.inviteeId == inviteeID).order(ContactRecord.Columns.id.desc).fetchAll(db).map(
                ContactView.init)
        }
    }

    /// A consultant's guests (nil: everyone's), invitations only, with their state on the day.
    func campaignGuests(consultant: String?) async throws -> [CampaignGuest] {
        try await read { db in try Self.campaignGuests(db, consultant: consultant) }
    }

    static func campaignGuests(_ db: Database, consultant: String?) throws -> [CampaignGuest] {
        var request = InviteeRecord.filter(InviteeRecord.Columns.walkIn == false).filter(InviteeRecord.Columns.status == "active")
        if let consultant { request = request.filter(Column("consultant") == consultant) }
        let invitees = try request.order(InviteeRecord.Columns.id).fetchAll(db)
        let arrived = Set(try CheckInRecord.active().fetchAll(db).map(\.inviteeId))
        let ordered = Set(try OrderRecord.valid().fetchAll(db).map(\.inviteeId))
        let boarded = try Self.boardedIDs(db)
        var last: [Int64: ContactRecord] = [:]
        for c in try ContactRecord.order(ContactRecord.Columns.id).fetchAll(db) { last[c.inviteeId] = c }
        return invitees.map { i in
            let id = i.id ?? 0
            return CampaignGuest(
                id: id, name: i.name, phone: i.phone, partySize: i.partySize, consultant: i.consultant, invitation: i.invitation,
                arrived: arrived.contains(id), ordered: ordered.contains(id), boarded: boarded.contains(id),
                lastContact: last[id].map(ContactView.init))
        }
    }

    /// The campaign board: the goal, the totals, and each consultant's figures and post.
    func campaignBoard() async throws -> CampaignBoard.Board {
        try await read { db in
            let guests = try Self.campaignGuests(db, consultant: nil).map {
                CampaignBoard.Guest(
                    consultant: $0.consultant ?? "", invitation: $0.invitation, partySize: $0.partySize, arrived: $0.arrived,
                    boarded: $0.boarded)
            }
            let walkInsArrived =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM active_checkin WHERE walk_in = 1") ?? 0
            let orders = Dictionary(
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT consultant, COUNT(*) AS n FROM valid_order GROUP BY consultant
                        """
                ).map { ($0["consultant"] as String, $0["n"] as Int) }, uniquingKeysWith: +)
            let posts = Dictionary(try ConsultantPostRecord.fetchAll(db).map { ($0.name, $0.post) }, uniquingKeysWith: { a, _ in a })
            let sales = try StaffRecord.active().filter(StaffRecord.Columns.role == Role.sales.rawValue).fetchAll(
                db
            ).map(\.name)
            return CampaignBoard.build(
                campaign: try Self.event(db)?.campaign,
                guests: guests
                    + Array(
                        repeating: CampaignBoard.Guest(
                            consultant: "", invitation: "", partySize: 1,
                            arrived: true, walkIn: true), count: walkInsArrived),
                orders: orders, posts: posts, consultants: sales)
        }
    }

    /// Where a consultant works on the day: "venue" or "showroom".
    func setConsultantPost(name: String, post: String, staffID: Int64?) async throws {
        guard ["venue", "showroom"].contains(post) else {
            throw DomainError(.invalid, "invalid_post", "阵地须为 venue（活动现场）或 showroom（展厅）/ post must be \"venue\" or \"showroom\"")
        }
        let name = name.trimmed
        guard (1...30).contains(name.count) else { throw DomainError(.invalid, "invalid_name", "请填写顾问姓名 / name is required") }
        try await write { db in
            let before = try ConsultantPostRecord.fetchOne(db, key: name)?.post
            try ConsultantPostRecord(name: name, post: post).save(db)
            try AuditLog.append(db, kind: "consultant_post", ["name": name, "before": before ?? "", "after": post])
        }
    }

    /// The day's reminder rounds for a consultant (nil: everyone), with who each goes to now.
    func reminders(consultant: String?, now: Date? = nil) async throws -> [ReminderView] {
        let now = now ?? self.now()
        return try await read { db in
            guard let event = try Self.event(db) else { return [] }
            let waiting = try Self.campaignGuests(db, consultant: consultant).filter { $0.invitation == "confirmed" && !$0.arrived && !$0.boarded }
            let done = try ReminderDoneRecord.fetchAll(db)
            return (event.campaign?.reminders ?? []).enumerated().map { i, r in
                let mine = done.first { $0.round == i && ($0.consultant == (consultant ?? "*") || $0.consultant == "*") }
                return ReminderView(
                    round: i, at: r.at, kind: r.kind, text: r.text, due: Self.isDue(date: event.date, at: r.at, now: now),
                    doneBy: mine?.byName, doneAt: mine?.at, recipients: waiting)
            }
        }
    }

    static func isDue(date: String, at: String, now: Date) -> Bool {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = .current
        f.dateFormat = "yyyy-MM-dd HH:mm"
        guard let when = f.date(from: "\(date) \(at)") else { return false }
        return now >= when
    }

    /// Marks a round done for a consultant's guests (or `*`, everyone's), with who did it.
    func markReminderDone(round: Int, consultant: String?, by: StaffSession) async throws {
        try await write { db in
            guard let event = try Self.event(db), let reminders = event.campaign?.reminders, reminders.indices.contains(round) else {
                throw DomainError.notFound("没有这一轮提醒 / No reminder round \(round)")
            }
            // The day's rounds are done on the day (issue 24: a consultant could tick them two days early).
            if !Self.isDue(date: event.date, at: "00:00", now: Self.writeTime) {
                throw DomainError(
                    .conflict, "not_the_day",
                    "这一轮提醒在活动当天（\(event.date) \(reminders[round].at)）进行，现在还不能标记完成 / "
                        + "This round is for the event day (\(event.date) \(reminders[round].at)); it cannot be marked done yet")
            }
            try ReminderDoneRecord(round: round, consultant: consultant ?? "*", at: Self.writeTime, byName: by.name).save(db)
            try AuditLog.append(db, kind: "reminder_done", ["round": "\(round)", "consultant": consultant ?? "*", "by": by.name])
        }
    }
}
