import Foundation
import KioskFormats
import Hummingbird

/// The workshop's 21-item check: template, submission (idempotent by `client_id`), list, photos, summary table,
/// the printable three-copy report, and the follow-up calls.
struct InspectionsController {
    let db: AppDatabase

    func register(on api: APIRouter) {
        api.get("/api/inspection/template", .staff) { _, _ in .json(try await template()) }
        api.put("/api/inspection/template", .admin) { request, context in
            let bytes = try await request.bodyBytes(context: context, limit: BodyLimit.document)
            let template: InspectionTemplate
            do { template = try InspectionTemplate.load(data: Data(bytes), source: "upload") } catch let e as EventFileError {
                throw DomainError.invalidEvent(e.problems)
            }
            try await db.replaceInspectionTemplate(template)
            return .json(["name": template.name, "items": "\(template.items.count)"])
        }
        api.post("/api/inspections", .only(.technician), submit)
        api.get("/api/inspections", .staff, list)
        api.get("/api/inspections/previous", .staff, previous)
        api.get("/api/inspections/export.csv", .only(.technician), export)
        api.get("/api/inspections/revenue", .only(.technician)) { _, _ in .json(try await revenue()) }
        api.get("/api/inspections/revenue.csv", .only(.technician)) { _, _ in
            let table = try await revenue().csvRows
            return CSVWriter.response(CSVWriter.document(header: table.header, rows: table.rows), filename: "revenue.csv")
        }
        api.get("/api/inspections/{id}", .staff) { _, context in .json(["inspection": try await db.inspection(id: try context.id())]) }
        api.get("/api/inspections/{id}/photos/{item}", .staff, photo)
        api.get("/inspections/{id}/report", .staff) { _, context in
            let inspection = try await db.inspection(id: try context.id())
            let previous = try await db.previousInspection(plate: inspection.plate, vin: inspection.vin, before: inspection.at)
            return HTML.response(
                InspectionReport(
                    event: try await db.event(), template: try await template(), inspection: inspection,
                    signature: try await db.inspectionSignature(id: inspection.id), previous: previous
                ).html)
        }
        api.get("/api/followups", .staff) { _, _ in .json(try await db.followUps()) }
        api.patch("/api/followups/{id}", .staff, recordFollowUp)
        api.get("/api/followups/export.csv", .staff, exportFollowUps)
    }

    func template() async throws -> InspectionTemplate {
        guard let t = try await db.inspectionTemplate() else { throw APIError.notFound("尚未加载检查模板 / No inspection template loaded") }
        return t
    }

    // MARK: - Submit

    /// Checks every rule and stores the inspection; the same `client_id` again answers with the first one and stores nothing.
    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        var body = try await request.decodeJSON(as: InspectionSubmission.self, context: context, limit: BodyLimit.upload)
        if let id = body.clientId?.trimmed, !id.isEmpty, let existing = try await db.inspection(clientID: id) {
            return .json(Answer(inspection: existing, replayed: true), status: .ok)
        }
        if body.technician?.trimmed.isEmpty ?? true { body.technician = staff.name }
        switch InspectionRules.check(body, template: try await template()) {
        case .failure(let problems):
            throw APIError(
                .unprocessableContent, "invalid_inspection",
                "检查单有 \(problems.list.count) 处问题 / The inspection has \(problems.list.count) problem(s): "
                    + problems.list.prefix(3).map(\.message).joined(separator: "; "),
                extra: [
                    "problems": .array(
                        problems.list.map { .object(["item": $0.item.map(JSONValue.string) ?? .null, "message": .string($0.message)]) })
                ])
        case .success(let checked):
            let (view, created) = try await db.saveInspection(checked, staffID: staff.staffID)
            context.logger.info("inspection stored", metadata: ["id": "\(view.id)", "red": "\(view.redCount)", "replayed": "\(!created)"])
            return .json(Answer(inspection: view, replayed: !created), status: created ? .created : .ok)
        }
    }

    struct Answer: Encodable { let inspection: InspectionView; let replayed: Bool }

    // MARK: - Reading

    struct ListAnswer: Encodable { let inspections: [InspectionView]; let technicians: [TechnicianCount] }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (limit, offset) = try RequestInput.paging(request)
        return .json(ListAnswer(inspections: try await db.inspections(limit: limit, offset: offset), technicians: try await db.technicianCounts()))
    }

    /// The last inspection of the same car, shown next to today's values.
    @Sendable func previous(_ request: Request, context: AppRequestContext) async throws -> Response {
        let params = request.uri.queryParameters
        let plate = params.get("plate").map(Plate.normalize).flatMap { $0.isEmpty ? nil : $0 }
        let vin = params.get("vin").map { $0.uppercased().filter { !$0.isWhitespace } }.flatMap { $0.isEmpty ? nil : $0 }
        guard plate != nil || vin != nil else { throw APIError.badRequest("请给出 plate 或 vin / give plate or vin") }
        struct Found: Encodable { let inspection: InspectionView? }
        return .json(Found(inspection: try await db.previousInspection(plate: plate, vin: vin)))
    }

    @Sendable func photo(_ request: Request, context: AppRequestContext) async throws -> Response {
        let item = context.parameters.get("item") ?? ""
        guard let data = try await db.inspectionPhoto(id: try context.id(), item: item) else {
            throw APIError.notFound("这一项没有照片 / No photo for this item")
        }
        let type = data.starts(with: [0x89, 0x50]) ? "image/png" : data.starts(with: [0xFF, 0xD8]) ? "image/jpeg" : "image/webp"
        return Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "private, max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    // MARK: - Summary table

    func revenue() async throws -> RevenueAnalysis { RevenueAnalysis.compute(try await db.inspections(ascending: true)) }

    /// The weekly 免费检测客户信息汇总表 in the manufacturer's column order; `?by=technician` gives completion counts instead.
    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        if request.uri.queryParameters.get("by") == "technician" {
            let rows = try await db.technicianCounts().map { [$0.technician, String($0.inspections), String($0.withUrgent)] }
            return CSVWriter.response(CSVWriter.document(header: ["检查技师", "完成台数", "含紧急项台数"], rows: rows), filename: "inspections-by-technician.csv")
        }
        let day = InspectionReport.time
        let followUps = Dictionary(try await db.followUps().map { ($0.inspectionId, $0) }, uniquingKeysWith: { a, _ in a })
        let yes = { (b: Bool) in b ? "是" : "否" }
        let rows = try await db.inspections(ascending: true).map { i in
            [
                day.string(from: i.at), i.customerName ?? "", i.customerPhone ?? "", i.plate ?? "", i.vin ?? "", i.mileageKm.map(String.init) ?? "",
                i.technician, String(i.yellowCount), String(i.redCount), i.redItems.map(\.name).joined(separator: "、"), i.signed ? "已签字" : "未签字",
                i.yellowItems.map(\.name).joined(separator: "、"), String(i.id),
                yes(i.gift), yes(i.sticker), yes(i.consentHqCall), followUps[i.id].map(FollowUpRule.sevenDayWord) ?? "",
            ]
        }
        let header = [
            "检查日期", "客户姓名", "联系电话", "车牌号", "车架号(VIN)", "行驶里程(km)", "检查技师", "建议项数(黄)", "紧急项数(红)",
            "紧急项目", "客户签字", "建议项目", "检查单号", "赠送礼品", "标示贴", "同意厂家回访", "7日回访",
        ]
        return CSVWriter.response(CSVWriter.document(header: header, rows: rows), filename: "inspections.csv")
    }

    // MARK: - Follow-ups

    struct FollowUpBody: Decodable { let outcome: String?; let note: String? }

    /// Records a call: reached, no answer or wrong number (and, after three unanswered calls, the SMS).
    @Sendable func recordFollowUp(_ request: Request, context: AppRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let body = try await request.decodeJSON(as: FollowUpBody.self, context: context)
        guard let outcome = body.outcome.flatMap(FollowUpOutcome.init(rawValue:)) else {
            throw APIError(
                .unprocessableContent, "invalid_outcome",
                "结果须为 reached / no_answer / wrong_number / sms_sent / outcome must be one of reached, no_answer, wrong_number, sms_sent")
        }
        let note = body.note?.trimmedOrNil
        if let note, note.count > 300 {
            throw APIError(
                .unprocessableContent, "invalid_note",
                "备注最多 300 字 / "
                    + "note is longer than 300 characters")
        }
        return .json(try await db.recordFollowUp(id: try context.id(), outcome: outcome, note: note, staff: staff.name))
    }

    @Sendable func exportFollowUps(_ request: Request, context: AppRequestContext) async throws -> Response {
        let time = InspectionReport.time
        let words = ["reached": "已接通", "no_answer": "无人接听", "wrong_number": "号码错误", "sms_sent": "已发短信"]
        let rows = try await db.followUps().map { f in
            [
                time.string(from: f.inspectedAt), f.name ?? "", f.phone ?? "", f.plate ?? "", time.string(from: f.due),
                f.urgentItems.joined(separator: "、"),
                String(f.attempts), f.outcome.flatMap { words[$0] } ?? "", f.smsSentAt.map { time.string(from: $0) } ?? "", f.note ?? "",
                ["call": "待回访", "sms": "待发短信", "done": "已完成"][f.nextStep] ?? f.nextStep,
                f.declinedItems.joined(separator: "、"),
            ]
        }
        let header = ["检查时间", "客户姓名", "联系电话", "车牌号", "回访截止", "紧急项目", "回访次数", "回访结果", "短信时间", "备注", "状态", "暂不维修项目"]
        return CSVWriter.response(CSVWriter.document(header: header, rows: rows), filename: "followups.csv")
    }
}
