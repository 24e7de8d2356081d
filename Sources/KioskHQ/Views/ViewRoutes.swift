import Foundation
import Hummingbird
import KioskFormats

/// The national views: the week's 汇总表 (JSON and CSV), the revenue roll-up, each dealer's page, compensation and the
/// Top 10, and what the HQ admin must see (forks, refusals). A region user sees its region; a dealer user its own.
enum ViewRoutes {
    static func add(_ on: HQRoutes.On, _ s: HQServices) {
        on(.get, "/api/summary", .only(.hqAdmin, .region)) { req, _, user in
            try HQJSON.response(try await summary(req, user, s))
        }
        on(.get, "/api/summary.csv", .only(.hqAdmin, .region)) { req, _, user in
            let sum = try await summary(req, user, s)
            let pct = { (x: Double?) in x.map { String(format: "%.1f%%", $0 * 100) } ?? "" }
            var rows = sum.dealers.map { d in
                [
                    d.region, d.dealerCode, d.name, String(d.inspections), String(d.urgentVehicles), String(d.gifts), String(d.stickers),
                    String(d.followupsDue), String(d.followupsDone7d), d.missing ? "未上报" : d.late ? "迟交" : "按时", String(d.callsDone),
                    String(d.confirmed), String(d.denied), pct(d.truthRate),
                ]
            }
            rows.append([])
            rows.append(["项目序号", "检查项目", "建议", "紧急"])
            rows += sum.items.map { [String($0.no), $0.name, String($0.advise), String($0.urgent)] }
            let header = [
                "大区", "经销商代码", "经销商", "检测台次", "紧急车辆", "礼品", "标示贴", "应回访", "7日内回访", "上报", "已回访(厂家)",
                "确认", "否认", "真实率",
            ]
            return csvResponse(CSVWriter.document(header: header, rows: rows), filename: "hq-summary-\(sum.week).csv")
        }
        on(.get, "/api/revenue", .only(.hqAdmin, .region, .dealer)) { req, _, user in
            let c = try await s.campaign()
            let from = req.query("from") ?? Week.of(day: c.start) ?? "0000-W01", to = req.query("to") ?? Week.of(day: c.end) ?? "9999-W53"
            let rows = try await s.store.revenue(
                fromWeek: from, toWeek: to, region: user?.role == .region ? user?.region : req.query("region"),
                dealer: user?.role == .dealer ? user?.dealerCode : req.query("dealer"))
            return try HQJSON.response(["rows": rows])
        }
        on(.get, "/api/dealers/{code}", .only(.hqAdmin, .region, .dealer)) { _, ctx, user in
            let code = ctx.parameters.get("code") ?? ""
            guard let dealer = try await s.store.dealerRecord(code) else { throw HQError.notFound("经销商「\(code)」不存在 / No dealer \(code)") }
            if user?.role == .dealer, user?.dealerCode != code { throw HQError.forbidden(.dealer) }
            if user?.role == .region, user?.region != dealer.region { throw HQError.forbidden(.region) }
            let c = try await s.campaign()
            let comp = try await compensation(c, s).first { $0.dealerCode == code }
            let from = Week.of(day: c.start) ?? "0000-W01", to = Week.of(day: c.end) ?? "9999-W53"
            return try HQJSON.response(
                DealerPage(
                    dealer: dealer, packs: try await s.store.packs(dealer: code), forks: try await s.store.forks(dealer: code),
                    weeks: try await s.store.revenue(fromWeek: from, toWeek: to, region: nil, dealer: code), compensation: comp))
        }
        on(.get, "/api/compensation", .only(.hqAdmin, .region, .dealer)) { _, _, user in
            let c = try await s.campaign()
            var rows = try await compensation(c, s)
            if user?.role == .dealer { rows = rows.filter { $0.dealerCode == user?.dealerCode } }
            if user?.role == .region { rows = rows.filter { $0.region == user?.region } }
            return try HQJSON.response(
                CompensationAnswer(campaign: c.name, scoreText: c.score.text, dealers: rows, top10: Array(rows.filter { $0.rank <= 10 })))
        }
        on(.get, "/api/compensation.csv", .only(.hqAdmin)) { _, _, _ in
            let c = try await s.campaign()
            let rows = try await compensation(c, s).sorted { $0.dealerCode < $1.dealerCode }.map { r in
                [
                    r.dealerCode, r.name, r.region, String(r.inspections), String(r.confirmed), String(r.denied),
                    r.truthRate.map { String(format: "%.1f%%", $0 * 100) } ?? "", r.band ?? "", String(format: "%.2f", r.hours),
                    String(format: "%.2f", r.amountYuan), String(r.rank),
                ]
            }
            let header = ["经销商代码", "经销商", "大区", "检测台次", "确认", "否认", "真实率", "补偿档", "补偿工时", "补偿金额(元)", "排名"]
            return csvResponse(CSVWriter.document(header: header, rows: rows), filename: "hq-compensation.csv")
        }
        on(.get, "/api/forks", .only(.hqAdmin)) { _, _, _ in try HQJSON.response(["forks": try await s.store.forks(dealer: nil)]) }
        on(.get, "/api/refusals", .only(.hqAdmin)) { _, _, _ in try HQJSON.response(["refusals": try await s.store.refusals()]) }
    }

    struct DealerPage: Encodable {
        let dealer: DealerRecord; let packs: [PackListing]; let forks: [ForkListing]; let weeks: [RevenueRow]; let compensation: Compensation?
    }
    struct CompensationAnswer: Encodable { let campaign: String; let scoreText: String?; let dealers: [Compensation]; let top10: [Compensation] }

    static func summary(_ req: Request, _ user: HQUser?, _ s: HQServices) async throws -> WeekSummary {
        let week = req.query("week") ?? Week.of(s.config.now())
        guard Week.isWeek(week) else { throw HQError.bad("week：应为 YYYY-Www，例如 2026-W49 / week must be YYYY-Www, e.g. 2026-W49", code: "bad_week") }
        let c = try await s.campaign()
        let region = user?.role == .region ? user?.region : req.query("region")
        return try await s.store.summary(
            week: week, region: region, deadline: Week.deadline(of: week, hour: c.deadlineHour) ?? .distantFuture, now: s.config.now())
    }

    static func compensation(_ c: Campaign, _ s: HQServices) async throws -> [Compensation] {
        let figures = try await s.store.figures(fromWeek: Week.of(day: c.start) ?? "0000-W01", toWeek: Week.of(day: c.end) ?? "9999-W53")
        return Compensation.compute(figures, campaign: c)
    }
}
