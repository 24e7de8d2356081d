import Foundation

/// The printable A4 work order: one inspection as three copies (信息反馈联 / 特约店留存联 / 客户联), each on its own pages.
struct InspectionReport {
    let event: EventConfig?
    let template: InspectionTemplate
    let inspection: InspectionView
    let signature: Data?
    let previous: InspectionView?

    static let copies = [
        ("第一联", "信息反馈联", "Manufacturer feedback copy"),
        ("第二联", "特约店留存联", "Dealer's copy"),
        ("第三联", "客户联", "Customer's copy"),
    ]

    var html: String {
        let e = HTML.escape
        let title = "\(template.name) · \(inspection.plate ?? inspection.vin ?? "#\(inspection.id)")"
        return """
            <!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>\(e(title))</title>
            <link rel="stylesheet" href="/css/report.css"></head>
            <body class="inspection-report">
            <div class="noprint toolbar"><button onclick="print()">打印三联 Print</button>
              <a href="/inspect.html">返回检查 Back</a><span>A4 · 共三联 · three copies</span></div>
            \(Self.copies.map { copy($0) }.joined(separator: "\n"))
            </body></html>
            """
    }

    private func copy(_ c: (String, String, String)) -> String {
        let e = HTML.escape
        let i = inspection
        let when = Self.time.string(from: i.at)
        let rows = i.items.map(row).joined(separator: "\n")
        let sig: String
        if let signature {
            sig = "<img class=\"sig\" alt=\"客户签名\" src=\"data:image/png;base64,\(signature.base64EncodedString())\">"
        } else {
            sig = i.redCount == 0 ? "<span class=\"muted\">无紧急项目，无需签字 / no urgent items</span>" : "<span class=\"bad\">未签字</span>"
        }
        return """
            <section class="copy">
              <header>
                <div class="dealer">\(e(event?.dealer ?? ""))</div>
                <h1>\(e(template.name))</h1>
                <div class="copyname"><strong>\(c.0) \(c.1)</strong> <span>\(c.2)</span></div>
              </header>
              <table class="info">
                <tr><th>客户姓名</th><td>\(e(i.customerName ?? "—"))</td><th>联系电话</th><td>\(e(i.customerPhone ?? "—"))</td><th>检查单号</th><td>\(i.id)</td></tr>
                <tr><th>车牌号</th><td>\(e(i.plate ?? "—"))</td><th>车架号</th><td class="mono">\(e(i.vin ?? "—"))</td><th>行驶里程</th><td>\(i.mileageKm.map { "\($0) km" } ?? "—")</td></tr>
                <tr><th>检查日期</th><td>\(e(when))</td><th>检查技师</th><td>\(e(i.technician))</td><th>活动</th><td>\(e(event?.name ?? ""))</td></tr>
                <tr><th>车型</th><td colspan="5">\(e(i.model ?? "—"))</td></tr>
              </table>
              <p class="summary">结果：<span class="chip green">正常 \(i.items.filter { $0.status == .ok }.count)</span>
                <span class="chip yellow">建议 \(i.yellowCount)</span> <span class="chip red">紧急 \(i.redCount)</span>
                \(previous.map { "<span class=\"muted\">上次检查 \(e(Self.time.string(from: $0.at)))</span>" } ?? "")</p>
              <table class="items">
                <thead><tr><th class="no">序号</th><th class="name">检查项目</th><th>测量值</th><th class="res">结果</th><th>专家建议 / 备注</th></tr></thead>
                <tbody>
            \(rows)
                </tbody>
              </table>
              <div class="signs">
                <div><div class="label">客户签字确认（紧急安全缺陷）Customer</div>\(sig)</div>
                <div><div class="label">检查技师 Technician</div><div class="name">\(e(i.technician))</div></div>
                <div><div class="label">服务顾问 / 特约店盖章 Dealer</div><div class="name">\(e(event?.dealer ?? ""))</div></div>
              </div>
              <footer>\(e(event?.dealer ?? "")) · \(e(when)) · \(c.0) \(c.1)
                · 我们将在 7 天内电话回访 / we will call you within 7 days</footer>
            </section>
            """
    }

    private func row(_ item: EvaluatedItem) -> String {
        let e = HTML.escape
        let specs = template.item(item.id)?.values ?? []
        let before = previous?.items.first { $0.id == item.id }
        let values = specs.compactMap { spec -> String? in
            guard let v = item.values[spec.key] else { return nil }
            let old = before?.values[spec.key].map { " <span class=\"prev\">(上次 \(InspectionRules.format($0)))</span>" } ?? ""
            return
                "<span class=\"val \(item.colours[spec.key] ?? "")\">\(e(spec.label)) <b>\(InspectionRules.format(v))</b> \(e(spec.unit))</span>\(old)"
        }.joined(separator: " ")
        let advice = [item.advice, item.note].compactMap { $0 }.map(e).joined(separator: "<br><span class=\"muted\">备注：</span>")
        let photo = item.hasPhoto ? "<img class=\"photo\" alt=\"照片\" src=\"/api/inspections/\(inspection.id)/photos/\(e(item.id))\">" : ""
        return """
                  <tr class="\(item.status.colour)"><td class="no">\(item.no)</td><td>\(e(item.name))</td><td>\(values.isEmpty ? "—" : values)</td>
                    <td class="res"><span class="chip \(item.status.colour)">\(item.status.chinese)</span></td><td>\(advice)\(photo)</td></tr>
            """
    }

    /// Local date and minute, as the form, the summary table and the follow-up list show times.
    static var time: DateFormatter {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f
    }
}
