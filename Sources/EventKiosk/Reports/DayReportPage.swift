import Foundation

/// The end-of-day report as one self-contained HTML page (styles inline, charts as SVG): served at `/report`,
/// printed on A4, and stored as `report.html` in the evidence pack, where it must open with no server.
public enum DayReportPage {
    public static func render(_ r: DayReport) -> String {
        let e = HTML.escape
        let name = r.event?.name ?? "—"
        let time = InspectionReport.time
        let rate = r.status.invited > 0 ? Int((Double(r.byConsultant.reduce(0) { $0 + $1.values[1] }) / Double(r.status.invited) * 100).rounded()) : 0
        let tiers = RebateTiers(r.event?.tiers ?? [])
        return """
            <!doctype html>
            <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>活动报表 · \(e(name))</title>
            <style>\(css)</style></head>
            <body>
            <header><h1>\(e(name)) · 活动报表 <small>End-of-day report</small></h1>
            <p>\(e(r.event?.dealer ?? "")) · \(e(r.event?.venue ?? "")) · \(e(r.event?.date ?? ""))
               · 生成于 Generated \(e(time.string(from: r.generatedAt))) · \(r.closed ? "活动已结束 Closed" : "活动进行中 Still open")</p>
            <p class="noprint"><button onclick="print()">打印 Print</button> <a href="/admin.html">返回管理 Back to admin</a></p></header>

            <section id="arrivals"><h2>1. 到场 Arrivals</h2>
            <div class="kpis">\(kpi("邀约 Invited", r.status.invited))\(kpi("到场 Arrived", r.status.arrived))\(kpi("人数 People", r.status.arrivedPeople))\(kpi("现场登记 Walk-ins", r.status.walkins))\(kpi("邀约到场率 Show rate", rate, suffix: "%"))</div>
            <h3>每 15 分钟到场 Arrivals per 15 minutes</h3>
            \(SVGChart.columns(QuarterHours.count(r.arrivalTimes), title: "每 15 分钟到场 Arrivals per 15 minutes"))
            <div class="cols">
            \(table(["销售顾问 Consultant", "邀约 Invited", "到场 Arrived"], r.byConsultant.map { [$0.label, "\($0.values[0])", "\($0.values[1])"] }, id: "by-consultant"))
            \(table(["门口 Door", "组 Parties", "人 People", "现场登记 Walk-ins"], r.byDoor.map { [$0.label] + $0.values.map(String.init) }, id: "by-door"))
            </div>
            <h3>未到场的邀约客户 Invitees who did not come (for tomorrow's calls)</h3>
            \(table(["客户 Guest", "手机 Phone", "销售顾问 Consultant", "邀约状态 Invitation"],
                 r.noShows.map { [$0.name, $0.phone, $0.consultant ?? "", InvitationOutcome.words($0.invitation)] }, id: "no-shows"))
            <h3>邀约漏斗 Invitation funnel</h3>
            \(table(["销售顾问 Consultant", "邀约 Invited", "确认 Confirmed", "到店 Arrived", "订单 Ordered", "到店率 Show rate"],
                 r.campaign.consultants.map { c in [c.name, "\(c.invited)", "\(c.confirmed)", "\(c.arrived)", "\(c.orders)",
                                                    c.showRate.map { "\(Int(($0 * 100).rounded()))%" } ?? "—"] }, id: "funnel"))
            </section>

            <section id="orders"><h2>2. 订单与返利 Orders and rebate</h2>
            <div class="kpis">\(kpi("有效订单 Orders", r.tally.orders))\(kpi("作废 Voided", r.orders.count - r.validOrders.count))\(kpi("当前档位 Tier", r.tally.tier))\(kpi("每台返利 Rebate / order", r.tally.rebatePerOrder, prefix: "¥"))\(kpi("返利合计 Total rebate", r.tally.totalRebate, prefix: "¥"))\(kpi("每百组到场成交 Orders per 100 arrivals", r.status.arrived > 0 ? r.tally.orders * 100 / r.status.arrived : 0))</div>
            <p>\(r.tally.nextTier.map { "下一档：再 \($0.more) 单，每台 ¥\($0.rebate) / "
                    + "Next tier: \($0.more) more orders for ¥\($0.rebate) each" } ?? (r.tally.tier > 0 ? "已到最高档 / Top tier reached" : ""))</p>
            <h3>订单累计 Orders over the day</h3>
            \(SVGChart.runningTotal(QuarterHours.runningTotal(r.validOrders.map(\.createdAt)),
                                marks: tiers.tiers.map { ($0.from, "¥\($0.rebate)") }, title: "订单累计 Orders over the day"))
            <div class="cols">
            <div><h3>按车型 By model</h3>\(SVGChart.horizontalBars(r.ordersBy(\.model), title: "按车型 By model", width: 420))</div>
            <div><h3>按顾问 By consultant</h3>\(SVGChart.horizontalBars(r.ordersBy(\.consultant), title: "按顾问 By consultant", width: 420, colour: "#0a7ea4"))</div>
            </div></section>

            <section id="prizes"><h2>3. 奖品与抽奖 Prizes and draws</h2>
            \(wheelTable(r))
            \(drawsSection(r))
            </section>

            <section id="workshop"><h2>4. 车间检测与回访 Inspections and follow-ups</h2>
            <div class="kpis">\(kpi("检测车辆 Cars checked", r.inspections.count))\(kpi("有紧急缺陷 With urgent defects", r.inspections.filter { $0.redCount > 0 }.count))\(kpi("待回访 Calls to make", r.followUpsOpen.count))</div>
            <h3>缺陷按项目 Defects by item <small>（红色为紧急 red = urgent）</small></h3>
            \(SVGChart.horizontalBars(r.defectsByItem, title: "缺陷按项目 Defects by item", colour: "#d4a72c"))
            \(table(["回访截止 Due", "客户 Customer", "车牌 Plate", "紧急项 Urgent", "已打 Calls"],
                r.followUpsOpen.sorted { $0.due < $1.due }.map { [time.string(from: $0.due), $0.name ?? "", $0.plate ?? "", $0.urgentItems.joined(separator: "、"), "\($0.attempts)"] },
                id: "followups"))
            </section>

            <section id="survey"><h2>5. 顾客回馈 Guest survey</h2>
            <p>\(r.surveyAnswers) 份回馈 answers · \(r.complaints) 条投诉 complaints</p>
            \(SVGChart.horizontalBars(r.survey.map { SVGChart.Bar($0.text, Int((($0.average ?? 0) * 20).rounded())) },
                                  title: "平均分（满分 100）Average score out of 100", colour: "#1a7f37"))
            </section>
            <footer>EventKiosk · \(e(r.event?.dealer ?? ""))</footer>
            </body></html>
            """
    }

    // MARK: - Sections

    static func wheelTable(_ r: DayReport) -> String {
        guard let wheel = r.wheel else { return "" }
        let rows = wheel.prizes.map { [$0.name, "¥\($0.value)", "\($0.stock)", "\($0.stock - $0.remaining)", "\($0.remaining)"] }
        return "<h3>幸运大转盘 Lucky wheel · \(wheel.spins) 次 spins（其中令牌加转 \(r.grants) grants）</h3>"
            + table(["奖品 Prize", "价值 Value", "库存 Stock", "已送出 Given", "剩余 Left"], rows, id: "wheel")
            + "<p class=\"small\">承诺 Commitment <code>\(HTML.escape(wheel.commitment))</code> · 种子 Seed "
            + (wheel.seed.map { "<code>\(HTML.escape($0))</code>" } ?? "活动结束后公开 revealed at close") + "</p>"
    }

    static func drawsSection(_ r: DayReport) -> String {
        let e = HTML.escape
        let held = Set(r.draws.map(\.name))
        let pending = (r.event?.draws ?? []).filter { !held.contains($0.name) }
            .map { "<h3>幸运抽奖 \(e($0.name))</h3><p class=\"muted\">尚未抽奖 / Not drawn yet</p>" }.joined()
        // A winner as the room and the prize desk know them: the name, the last four digits, the ticket; never a row id.
        func who(_ d: DrawRecord, _ ids: [String]) -> String {
            ids.map { id in
                let name = d.names[id] ?? r.names[id] ?? "来宾 guest"
                let phone = d.phones[id].map { " · 尾号 \($0)" } ?? ""
                let ticket = d.tickets[id].map { " · №\($0)" } ?? ""
                return name + phone + ticket
            }.joined(separator: "、")
        }
        func replacements(_ d: DrawRecord) -> String {
            d.replacements.map { "\(who(d, [$0.winner])) → \(who(d, [$0.replacement]))：\($0.reason)" }.joined(separator: "；")
        }
        return pending
            + r.draws.map { d in
                let problems = d.state == "done" ? DrawVerifier.verify(draw: d) : []
                let verdict = d.state != "done" ? "未完成 not run yet" : problems.isEmpty ? "✓ 验证通过 verifies" : "✗ " + problems.joined(separator: "; ")
                return """
                    <h3>幸运抽奖 \(e(d.name))</h3>
                    <table class="kv"><tr><th>中奖 Winners</th><td>\(e(who(d, d.winners ?? [])))</td></tr>
                    <tr><th>候补 Alternates</th><td>\(e(who(d, d.alternates ?? [])))</td></tr>
                    <tr><th>替换 Replacements</th><td>\(e(replacements(d)))</td></tr>
                    <tr><th>承诺 Commitment</th><td><code>\(e(d.commitment))</code></td></tr>
                    <tr><th>种子 Seed</th><td><code>\(e(d.seed ?? "—"))</code></td></tr>
                    <tr><th>验证 Verify</th><td class="\(problems.isEmpty && d.state == "done" ? "ok" : "bad")">\(e(verdict))</td></tr></table>
                    """
            }.joined()
    }

    // MARK: - Parts

    static func kpi(_ label: String, _ value: Int, prefix: String = "", suffix: String = "") -> String {
        "<div class=\"kpi\"><b>\(prefix)\(value)\(suffix)</b><span>\(HTML.escape(label))</span></div>"
    }

    static func table(_ header: [String], _ rows: [[String]], id: String) -> String {
        let e = HTML.escape
        let body =
            rows.isEmpty
            ? "<tr><td colspan=\"\(header.count)\" class=\"muted\">—</td></tr>"
            : rows.map { "<tr>" + $0.map { "<td>\(e($0))</td>" }.joined() + "</tr>" }.joined()
        return "<table id=\"\(id)\"><thead><tr>" + header.map { "<th>\(e($0))</th>" }.joined() + "</tr></thead><tbody>\(body)</tbody></table>"
    }

    static let css = """
        body{font:15px/1.45 "Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:1.5rem auto;max-width:1000px;color:#1f2328;padding:0 1rem}
        h1{font-size:1.6rem;margin:.2rem 0}h1 small,h3 small{font-weight:normal;color:#57606a;font-size:.8em}
        h2{border-bottom:3px solid #1f6feb;padding-bottom:.2rem;margin-top:2rem}h3{margin:1.2rem 0 .4rem}
        .kpis{display:flex;flex-wrap:wrap;gap:.6rem}.kpi{border:1px solid #d0d7de;border-radius:8px;padding:.5rem .9rem;min-width:110px}
        .kpi b{display:block;font-size:1.7rem}.kpi span{color:#57606a;font-size:.85rem}
        .cols{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}
        table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #d0d7de;padding:.25rem .6rem;text-align:left}th{background:#f6f8fa}
        table.kv th{width:9rem}code{font-size:.8em;word-break:break-all}.muted{color:#57606a}.small{font-size:.85rem}
        .ok{color:#1a7f37;font-weight:bold}.bad{color:#d1242f;font-weight:bold}svg.chart{max-width:100%;height:auto;display:block}
        button{font-size:1rem;padding:.6rem 1.2rem;min-height:48px}footer{margin-top:2rem;color:#57606a;font-size:.8rem}
        @media print{.noprint{display:none}body{margin:0;max-width:none;font-size:12px}@page{size:A4;margin:12mm}
          section{break-inside:auto}h2{break-after:avoid}svg,table,.kpis{break-inside:avoid}}
        """
}
