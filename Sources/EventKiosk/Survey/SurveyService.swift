import Foundation
import GRDB

/// Per-question figures from the answers: pure, shared by the results API and the end-of-day report.
public struct SurveyTally: Encodable, Sendable, Equatable {
    public let id: String
    public let text: String
    public let count: Int
    /// Two decimals; nil with no answers.
    public let average: Double?
    /// How many answered 1, 2, 3, 4, 5.
    public let distribution: [Int]

    public static func per(_ questions: [EventConfig.Survey.Question], _ answers: [SurveyAnswerView]) -> [SurveyTally] {
        questions.map { q in
            let values = answers.compactMap { $0.ratings[q.id] }
            var dist = [0, 0, 0, 0, 0]
            for v in values { dist[v - 1] += 1 }
            let avg = values.isEmpty ? nil : (Double(values.reduce(0, +)) / Double(values.count) * 100).rounded() / 100
            return SurveyTally(id: q.id, text: q.text, count: values.count, average: avg, distribution: dist)
        }
    }
}

/// One guest's answer as staff see it (name and phone where known).
public struct SurveyAnswerView: Codable, Sendable, Equatable {
    public let id: Int64
    public let at: Date
    public let name: String?
    public let phone: String?
    public let ratings: [String: Int]
    public let comment: String?
    public let callbackPhone: String?
    public let complaint: Bool
    public let handledBy: String?
    public let handledAt: Date?
    public let handledNote: String?
}

/// A validated answer, ready to store.
struct SurveyAnswer: Sendable {
    let code: String?
    let ratings: [String: Int]
    let comment: String?
    let callbackPhone: String?

    /// Rules of the 顾客信息回馈表 (issue 9, newer than the contract): a rating of 1–2, or a comment together with
    /// "please call me back", goes on today's to-handle list.
    var isComplaint: Bool { ratings.values.contains { $0 <= 2 } || (callbackPhone != nil && comment != nil) }
}

/// One guest's answers as stored; a complaint (a low rating or a call-back request) is handled later by staff.
struct SurveyAnswerRecord: Codable, FetchableRecord, MutablePersistableRecord, SnakeCaseColumns, Sendable {
    static let databaseTableName = "survey_answer"
    enum Columns {
        static let id = Column("id")
        static let code = Column("code")
        static let complaint = Column("complaint")
    }
    var id: Int64?
    var code: String?
    var inviteeId: Int64?
    /// The ratings by question id, as JSON.
    var ratings: String
    var comment: String?
    var callbackPhone: String?
    var complaint: Bool
    var at: Date
    var handledBy: String?
    var handledAt: Date?
    var handledNote: String?
    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension AppDatabase {
    /// Stores an answer; a second answer with the same invitation code replaces the first.
    func saveSurveyAnswer(_ a: SurveyAnswer) async throws -> Int64 {
        try await write { db in
            var inviteeID: Int64?
            if let code = a.code {
                guard let invitee = try InviteeRecord.filter(InviteeRecord.Columns.code == code).fetchOne(db) else {
                    throw DomainError(.invalid, "unknown_code", "邀请码无效 / Unknown invitation code")
                }
                inviteeID = invitee.id
                try SurveyAnswerRecord.filter(SurveyAnswerRecord.Columns.code == code).deleteAll(db)
            }
            let ratings = String(decoding: try JSONEncoder().encode(a.ratings), as: UTF8.self)
            var record = SurveyAnswerRecord(
                code: a.code, inviteeId: inviteeID, ratings: ratings, comment: a.comment, callbackPhone: a.callbackPhone,
                complaint: a.isComplaint, at: Self.writeTime)
            try record.insert(db)
            return record.id!
        }
    }

    func surveyAnswers(complaintsOnly: Bool) async throws -> [SurveyAnswerView] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT a.*, i.name AS name, i.phone AS phone FROM survey_answer a LEFT JOIN invitee i ON i.id = a.invitee_id
                    \(complaintsOnly ? "WHERE a.complaint = 1" : "") ORDER BY (a.handled_at IS NOT NULL), a.at DESC
                    """
            ).map { r in
                SurveyAnswerView(
                    id: r["id"], at: r["at"], name: r["name"], phone: r["phone"],
                    ratings: (try? JSONDecoder().decode([String: Int].self, from: Data((r["ratings"] as String).utf8))) ?? [:],
                    comment: r["comment"], callbackPhone: r["callback_phone"], complaint: r["complaint"],
                    handledBy: r["handled_by"], handledAt: r["handled_at"], handledNote: r["handled_note"])
            }
        }
    }

    /// Records who dealt with a complaint and how.
    func handleComplaint(id: Int64, by staff: String, note: String) async throws {
        try await write { db in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM survey_answer WHERE id = ?", arguments: [id])! > 0 else {
                throw DomainError.notFound("没有这条反馈 / No survey answer with id \(id)")
            }
            try db.execute(
                sql: "UPDATE survey_answer SET handled_by = ?, handled_at = ?, handled_note = ? WHERE id = ?",
                arguments: [staff, Self.writeTime, note, id])
        }
    }
}

/// A fixed-window limit per device for the anonymous exit tablet.
actor SurveyRateLimit {
    private var hits: [String: [Date]] = [:]
    private var requests: [String: [Date]] = [:]
    /// Stored answers per device per window, and requests of any kind (refused ones too) per device per window.
    let limit: Int, requestLimit: Int, window: TimeInterval
    let clock: KioskClock
    init(limit: Int = 6, requestLimit: Int = 20, window: TimeInterval = 60, clock: KioskClock = .system) {
        self.limit = limit; self.requestLimit = requestLimit; self.window = window; self.clock = clock
    }

    /// Counts this request, whatever becomes of it, and says whether this device may answer now.
    func admit(_ client: String) -> Bool {
        let now = clock.now()
        let asked = (requests[client] ?? []).filter { now.timeIntervalSince($0) < window } + [now]
        requests[client] = asked
        let stored = (hits[client] ?? []).filter { now.timeIntervalSince($0) < window }
        hits[client] = stored
        if requests.count > 5_000 { requests = requests.filter { $0.value.contains { now.timeIntervalSince($0) < window } } }
        return asked.count <= requestLimit && stored.count < limit
    }

    func record(_ client: String) {
        hits[client, default: []].append(clock.now())
        if hits.count > 5_000 { hits = hits.filter { !$0.value.isEmpty } }
    }
}
