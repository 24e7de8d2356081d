import Foundation
import GRDB

/// The call-back every inspected customer is due within a week (质量跟踪回访).
public struct FollowUpView: Codable, Sendable, Equatable {
    public let id: Int64
    public let inspectionId: Int64
    public let inspectedAt: Date
    public let name: String?
    public let phone: String?
    public let plate: String?
    public let due: Date
    public let urgentItems: [String]
    /// Work the customer declined at the inspection: the call asks about it again.
    public let declinedItems: [String]
    public let attempts: Int
    public let outcome: String?
    public let note: String?
    public let lastAttemptAt: Date?
    public let smsSentAt: Date?
    /// `call`, `sms` (three unanswered calls) or `done`.
    public let nextStep: String
    /// Dealer practice: tries at different times, so the next call is suggested two hours after the last.
    public let nextCallAfter: Date?
}

/// Outcomes a caller records; `sms_sent` closes a follow-up after three unanswered calls.
public enum FollowUpOutcome: String, Codable, Sendable, CaseIterable {
    case reached, noAnswer = "no_answer", wrongNumber = "wrong_number", smsSent = "sms_sent"
}

/// Where a follow-up stands, from its attempts so far: pure, so the dealer's rule is tested directly.
public enum FollowUpRule {
    public static let callsBeforeSMS = 3
    public static let gapBetweenCalls: TimeInterval = 2 * 3600

    /// The 汇总表's 7-day follow-up column: reached (or closed by SMS) by its due time, late, or still open.
    static func sevenDayWord(_ f: FollowUpView) -> String {
        guard f.nextStep == "done", let at = f.smsSentAt ?? f.lastAttemptAt else { return "待回访" }
        return at <= f.due ? "7日内已回访" : "超期回访"
    }

    public static func nextStep(outcome: FollowUpOutcome?, attempts: Int, smsSent: Bool) -> String {
        switch outcome {
        case .reached?, .wrongNumber?, .smsSent?: return "done"
        case .noAnswer?: return smsSent ? "done" : attempts >= callsBeforeSMS ? "sms" : "call"
        case nil: return "call"
        }
    }
}

struct FollowUpAudit: Encodable, Sendable { let followupId: Int64; let inspectionId: Int64; let outcome: String; let attempt: Int }

extension AppDatabase {
    func followUps() async throws -> [FollowUpView] {
        try await read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT f.*, i.at AS inspected_at, i.customer_name, i.customer_phone, i.plate, i.items
                    FROM followup f JOIN inspection i ON i.id = f.inspection_id
                    """)
            let views = rows.map { r -> FollowUpView in
                let items = (try? JSON.decoder.decode([EvaluatedItem].self, from: Data((r["items"] as String).utf8))) ?? []
                let outcome = (r["outcome"] as String?).flatMap(FollowUpOutcome.init(rawValue:))
                let attempts: Int = r["attempts"]
                let smsSentAt: Date? = r["sms_sent_at"]
                let last: Date? = r["last_attempt_at"]
                let step = FollowUpRule.nextStep(outcome: outcome, attempts: attempts, smsSent: smsSentAt != nil)
                return FollowUpView(
                    id: r["id"], inspectionId: r["inspection_id"], inspectedAt: r["inspected_at"], name: r["customer_name"],
                    phone: r["customer_phone"], plate: r["plate"], due: r["due"],
                    urgentItems: items.filter { $0.status == .urgent }.map(\.name),
                    declinedItems: items.filter { $0.decision == .declined }.map(\.name), attempts: attempts,
                    outcome: outcome?.rawValue, note: r["note"], lastAttemptAt: last, smsSentAt: smsSentAt, nextStep: step,
                    nextCallAfter: step == "call" ? last?.addingTimeInterval(FollowUpRule.gapBetweenCalls) : nil)
            }
            // Open ones first, urgent defects first among them, then the earliest due.
            return views.sorted {
                ($0.nextStep == "done" ? 1 : 0, $0.urgentItems.isEmpty ? 1 : 0, $0.due, $0.id)
                    < ($1.nextStep == "done" ? 1 : 0, $1.urgentItems.isEmpty ? 1 : 0, $1.due, $1.id)
            }
        }
    }

    /// Records one call (or the closing SMS) and returns the follow-up as it now stands.
    func recordFollowUp(id: Int64, outcome: FollowUpOutcome, note: String?, staff: String) async throws -> FollowUpView {
        try await write { db in
            guard var followUp = try FollowUpRecord.fetchOne(db, key: id) else {
                throw DomainError.notFound("没有这条回访 / No follow-up with id \(id)")
            }
            let current = followUp.outcome.flatMap(FollowUpOutcome.init(rawValue:))
            let attempts = followUp.attempts
            if FollowUpRule.nextStep(outcome: current, attempts: attempts, smsSent: followUp.smsSentAt != nil) == "done" {
                throw DomainError(.conflict, "followup_done", "这条回访已完成（\(current?.rawValue ?? "")）/ This follow-up is already finished")
            }
            if outcome == .smsSent && attempts < FollowUpRule.callsBeforeSMS {
                throw DomainError(
                    .invalid, "call_first",
                    "请先在不同时间打满 \(FollowUpRule.callsBeforeSMS) 次电话，再发短信 / Call three times at different times before the SMS")
            }
            let now = Self.writeTime
            var attempt = FollowUpAttemptRecord(followupId: id, outcome: outcome.rawValue, note: note, staff: staff, at: now)
            try attempt.insert(db)
            if outcome == .smsSent {
                followUp.smsSentAt = now
            } else {
                followUp.attempts += 1; followUp.outcome = outcome.rawValue; followUp.lastAttemptAt = now
            }
            followUp.note = note ?? followUp.note
            try followUp.update(db)
            // The manufacturer's call centre checks the dealer's own 7-day follow-up: each call is on the chain.
            try AuditLog.append(
                db, kind: "followup_call",
                FollowUpAudit(followupId: id, inspectionId: followUp.inspectionId, outcome: outcome.rawValue, attempt: followUp.attempts))
            return ()
        }
        guard let view = try await followUps().first(where: { $0.id == id }) else {
            throw DomainError.notFound("没有这条回访 / No follow-up with id \(id)")
        }
        return view
    }
}
