import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EventKiosk

@Suite struct SVGChartTests {
    var shanghai: Calendar { var c = Calendar(identifier: .gregorian); c.timeZone = TimeZone(identifier: "Asia/Shanghai")!; return c }

    func at(_ hhmm: String) -> Date {
        let f = ISO8601DateFormatter()
        return f.date(from: "2026-12-06T\(hhmm):00+08:00")!
    }

    @Test func arrivalsFallIntoQuarterHoursWithEmptySlotsKept() {
        let bars = QuarterHours.count([at("09:01"), at("09:14"), at("09:16"), at("09:50")], calendar: shanghai)
        #expect(bars.map(\.label) == ["09:00", "09:15", "09:30", "09:45"])
        #expect(bars.map(\.value) == [2, 1, 0, 1])
        #expect(QuarterHours.runningTotal([at("09:01"), at("09:14"), at("09:50")], calendar: shanghai).map(\.value) == [2, 2, 2, 3])
        #expect(QuarterHours.count([], calendar: shanghai).isEmpty)
    }

    @Test func barsScaleToTheLargestValueAndEscapeLabels() {
        let svg = SVGChart.horizontalBars([.init("<b>刹车</b>", 4, highlight: 1), .init("轮胎", 2)], title: "缺陷")
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>"))
        #expect(!svg.contains("<b>") && svg.contains("&lt;b&gt;刹车"))
        #expect(svg.contains(#"width="400""#) && svg.contains(#"width="200""#))  // 4 fills the span (400), 2 is half of it
        #expect(svg.contains("#d1242f"))  // the urgent part in red
        #expect(SVGChart.columns([], title: "到场").contains("no data"))
    }

    @Test func theOrdersLineShowsTheTiersAsDashedMarks() {
        let svg = SVGChart.runningTotal([.init("09:00", 1), .init("09:15", 4)], marks: [(3, "¥500"), (6, "¥1000"), (100, "far")], title: "订单")
        #expect(svg.contains("¥500") && svg.contains("¥1000") && !svg.contains("far"))
        #expect(svg.contains("stroke-dasharray"))
    }
}

@Suite struct DayReportHTTPTests {
    @Test func theReportShowsTheDayInFiguresAndCharts() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            let greeter = try await client.staffToken(admin: admin, role: .greeter, pin: "555555")
            // An order's consultant is an active sales staff member (issue 23).
            _ = try await client.staffToken(admin: admin, role: .sales, pin: "565656", name: "李娜")
            _ = try await client.staffToken(admin: admin, role: .sales, pin: "575757", name: "王强")
            let guests = try await t.db.allInvitees()
            for (i, g) in guests.prefix(12).enumerated() {
                try await client.execute(
                    uri: "/api/checkins", method: .post, headers: auth(greeter),
                    body: jsonBody(["code": g.code, "door": i % 3 == 0 ? "侧门" : "正门", "nonce": UUID().uuidString])
                ) { #expect($0.status == .created) }
            }
            try await client.execute(
                uri: "/api/walkins", method: .post, headers: auth(greeter),
                body: jsonBody(["name": "现场客", "phone": "13912345678", "door": "侧门", "nonce": UUID().uuidString])
            ) { #expect($0.status == .created) }
            for (i, g) in guests.prefix(7).enumerated() {
                let model = i < 4 ? "408" : "3008", consultant = i < 5 ? "李娜" : "王强"
                try await client.execute(
                    uri: "/api/orders", method: .post, headers: auth(admin),
                    body: ByteBuffer(
                        string: #"{"invitee_id":\#(g.id),"model":"\#(model)","consultant":"\#(consultant)","nonce":"\#(UUID().uuidString)"}"#)
                ) {
                    #expect($0.status == .created)
                }
            }
            try await client.execute(uri: "/report", method: .get, headers: auth(greeter)) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/report", method: .get, headers: auth(admin)) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType]?.hasPrefix("text/html") == true)
                let html = String(buffer: r.body)
                let missing = [
                    "活动报表", "东风标致微山湖车主体验日", "每 15 分钟到场", "按车型", "按顾问", "缺陷按项目", "幸运大转盘", "港澳双人游",
                    "侧门", "正门", "李娜", "¥7000",
                ].filter { !html.contains($0) }
                #expect(missing.isEmpty)
                #expect(html.components(separatedBy: "<svg").count - 1 >= 4)
                #expect(!html.contains("cdn") && !html.contains("<script src"))
            }
        }
    }
}
