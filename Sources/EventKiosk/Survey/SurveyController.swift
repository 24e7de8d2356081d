import Foundation
import KioskFormats
import Hummingbird

/// The guest survey: public questions and answers (rate-limited), the complaint list, results and export.
struct SurveyController {
    let db: AppDatabase
    let limiter: SurveyRateLimit

    func register(on api: APIRouter) {
        api.get("/api/survey", .everyone) { _, _ in .json(Questions(questions: try await questions())) }
        api.post("/api/survey/answers", .everyone, answer)
        api.get("/api/survey/complaints", .staff) { _, _ in .json(try await db.surveyAnswers(complaintsOnly: true)) }
        api.post("/api/survey/complaints/{id}/handle", .staff, handle)
        api.get("/api/survey/results", .staff) { _, _ in .json(try await results()) }
        api.get("/api/survey/export.csv", .staff, export)
    }

    struct Questions: Encodable { let questions: [EventConfig.Survey.Question] }

    func questions() async throws -> [EventConfig.Survey.Question] {
        guard let qs = try await db.event()?.survey?.questions, !qs.isEmpty else {
            throw APIError.notFound("本次活动没有设置问卷 / This event has no survey")
        }
        return qs
    }

    struct AnswerBody: Decodable { let code: String?; let ratings: [String: Int]?; let comment: String?; let callbackPhone: String? }

    /// A guest's answer: ratings 1–5 for known questions, a comment of at most 500 characters, an optional call-back phone.
    @Sendable func answer(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard await limiter.admit(context.clientAddress) else {
            throw APIError(
                .tooManyRequests, "too_many_answers", "提交过于频繁，请稍后再试 / Too many answers from this device; wait a minute",
                headers: [.retryAfter: "60"])
        }
        let body = try await request.decodeJSON(as: AnswerBody.self, context: context)
        let known = Set(try await questions().map(\.id))
        var problems: [String] = []
        let ratings = body.ratings ?? [:]
        if ratings.isEmpty { problems.append("请至少评一项 / rate at least one question") }
        for (id, value) in ratings.sorted(by: { $0.key < $1.key }) {
            if !known.contains(id) {
                problems.append("没有这个问题 / unknown question \"\(id.prefix(30))\"")
            } else if !(1...5).contains(value) {
                problems.append("\(id): 评分须为 1–5 / rating must be 1 to 5, got \(value)")
            }
        }
        let comment = body.comment?.trimmed
        if let comment, comment.count > 500 { problems.append("留言最多 500 字 / comment is longer than 500 characters") }
        var phone: String?
        if let raw = body.callbackPhone?.trimmed, !raw.isEmpty {
            phone = PhoneNumber.normalize(raw)
            if phone == nil { problems.append("回电号码无效 / callback_phone is not an 11-digit mobile number") }
        }
        var code: String?
        if let raw = body.code?.trimmed, !raw.isEmpty {
            code = CheckInCode.extract(from: raw)
            if code == nil { problems.append("邀请码无效 / code is not an invitation code") }
        }
        guard problems.isEmpty else {
            throw APIError(
                .unprocessableContent, "invalid_answer", problems.joined(separator: "; "), extra: ["problems": .array(problems.map { .string($0) })])
        }
        let id = try await db.saveSurveyAnswer(
            SurveyAnswer(code: code, ratings: ratings, comment: comment?.isEmpty == true ? nil : comment, callbackPhone: phone))
        await limiter.record(context.clientAddress)
        return .json(["id": id], status: .created)
    }

    struct HandleBody: Decodable { let note: String? }

    @Sendable func handle(_ request: Request, context: AppRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let body = try await request.decodeJSON(as: HandleBody.self, context: context)
        guard let note = body.note?.trimmed, (1...300).contains(note.count) else {
            throw APIError(.unprocessableContent, "missing_note", "请写明如何处理 / say how it was dealt with (1 to 300 characters)")
        }
        try await db.handleComplaint(id: try context.id(), by: staff.name, note: note)
        return .json(["handled": true])
    }

    struct Results: Encodable { let answers: Int; let questions: [SurveyTally]; let comments: [String] }

    func results() async throws -> Results {
        let answers = try await db.surveyAnswers(complaintsOnly: false)
        return Results(answers: answers.count, questions: SurveyTally.per(try await questions(), answers), comments: answers.compactMap(\.comment))
    }

    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        let qs = try await questions()
        let time = ISO8601DateFormatter()
        let rows = try await db.surveyAnswers(complaintsOnly: false).map { a in
            [time.string(from: a.at), a.name ?? "", a.phone ?? a.callbackPhone ?? ""] + qs.map { a.ratings[$0.id].map(String.init) ?? "" }
                + [a.comment ?? "", a.callbackPhone == nil ? "" : "是", a.complaint ? "是" : "", a.handledBy ?? "", a.handledNote ?? ""]
        }
        let header = ["时间", "姓名", "电话"] + qs.map(\.text) + ["留言", "要求回电", "待处理", "处理人", "处理说明"]
        return CSVWriter.response(CSVWriter.document(header: header, rows: rows), filename: "survey.csv")
    }
}
