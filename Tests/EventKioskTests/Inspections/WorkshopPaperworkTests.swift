import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EventKiosk

/// Issue 25's workshop paperwork: each defect's decision and amounts, the gift, the window sticker and the customer's
/// own consent to the manufacturer's call; all on the audit chain, and the revenue analysis made from them.
@Suite struct WorkshopPaperworkTests {
    typealias F = InspectionFixture

    /// Two defects: front pads urgent (repaired today, ¥680 parts + ¥120 labour) and the battery to watch (declined).
    static func decidedBody(consent: Bool = true, signature: String? = F.signature) -> JSONValue {
        var body = F.body(signature: signature) { items in
            F.setValue(&items, "brake_pads", "front", .double(2.5))
            F.set(&items, "brake_pads", "advice", .string("立即更换"))
            F.set(&items, "brake_pads", "decision", .string("done"))
            F.set(&items, "brake_pads", "parts_yuan", .int(680))
            F.set(&items, "brake_pads", "labour_yuan", .string("120"))
            F.setValue(&items, "battery", "voltage", .double(12.4))
            F.set(&items, "battery", "advice", .string("蓄电池充电"))
            F.set(&items, "battery", "decision", .string("declined"))
            F.set(&items, "battery", "parts_yuan", .int(450))
        }
        if case .object(var o) = body {
            o["gift"] = .bool(true); o["sticker"] = .bool(true); o["consent_hq_call"] = .bool(consent)
            body = .object(o)
        }
        return body
    }

    func messages(_ body: JSONValue) -> [String] {
        guard case .failure(let p) = F.check(body) else { return [] }
        return p.list.map(\.message)
    }

    @Test func decisionsAndAmountsAreCheckedItemByItem() throws {
        guard case .success(let checked) = F.check(Self.decidedBody()) else { Issue.record("refused"); return }
        let pads = checked.items.first { $0.id == "brake_pads" }!, battery = checked.items.first { $0.id == "battery" }!
        #expect(pads.decision == .done && pads.partsYuan == 680 && pads.labourYuan == 120)
        #expect(battery.decision == .declined && battery.partsYuan == 450 && battery.labourYuan == nil)
        #expect(checked.gift && checked.sticker && checked.consentHqCall)

        let spoiled: [(String, String, JSONValue, String)] = [
            ("horn", "decision", .string("done"), "正常项没有维修决定"),
            ("brake_pads", "decision", .string("maybe"), "维修决定须为 done / booked / declined"),
            ("brake_pads", "parts_yuan", .int(-5), "配件金额须为 0–1000000 的整数元"),
            ("brake_pads", "labour_yuan", .double(12.5), "工时金额须为 0–1000000 的整数元"),
            ("brake_pads", "parts_yuan", .double(1e19), "配件金额须为 0–1000000 的整数元"),
        ]
        for (item, key, value, message) in spoiled {
            var body = Self.decidedBody()
            if case .object(var o) = body, case .array(var items) = o["items"]! {
                for (n, i) in items.enumerated() {
                    guard case .object(var fields) = i, fields["id"] == .string(item) else { continue }
                    fields[key] = value
                    items[n] = .object(fields)
                }
                o["items"] = .array(items); body = .object(o)
            }
            #expect(messages(body).contains { $0.contains(message) }, "\(item).\(key) = \(value)")
        }
        // An amount needs a decision.
        let noDecision = F.body(signature: F.signature) { items in
            F.setValue(&items, "battery", "voltage", .double(12.4))
            F.set(&items, "battery", "advice", .string("蓄电池充电"))
            F.set(&items, "battery", "labour_yuan", .int(80))
        }
        #expect(messages(noDecision).contains { $0.contains("请选维修决定") })
        // The consent is the customer's own, with their signature.
        #expect(messages(F.body(signature: nil).merging(["consent_hq_call": .bool(true)])).contains { $0.contains("须本人签名") })
    }

    @Test func theInspectionItsHandoutsAndEachFollowUpCallAreOnTheChain() async throws {
        let t = try await TestApp()
        try await t.test { client in
            let tech = try await client.staffToken(admin: try await client.login("1234"), role: .technician, pin: "555555")
            let stored = try await client.execute(uri: "/api/inspections", method: .post, headers: auth(tech), body: jsonBody(Self.decidedBody())) {
                r in
                #expect(r.status == .created)
                struct Stored: Decodable { let inspection: InspectionView }
                return try JSON.decoder.decode(Stored.self, from: Data(buffer: r.body)).inspection
            }
            #expect(stored.gift && stored.sticker && stored.consentHqCall && stored.contentSha256?.count == 64)

            let entries = try await t.db.auditRows().map(\.entry).filter { $0.contains(#""kind":"inspection_saved""#) }
            #expect(entries.count == 1)
            let data = try #require(try JSON.decoder.decode(JSONValue.self, from: Data(entries[0].utf8)).object?["data"]?.object)
            #expect(data["content_sha256"] == .string(stored.contentSha256!) && data["inspection_id"] == .int(Int(stored.id)))
            #expect(data["gift"] == .bool(true) && data["sticker"] == .bool(true) && data["consent_hq_call"] == .bool(true))
            #expect(data["urgent"] == .int(1) && data["advise"] == .int(1) && data["role"] == .string("technician"))
            #expect(!entries[0].contains("张三") && !entries[0].contains("13800138000"), "no name or phone in the chain")
            let decisions = data["decisions"]?.array ?? []
            let pads: JSONValue = .object([
                "item": .string("brake_pads"), "decision": .string("done"), "parts_yuan": .int(680), "labour_yuan": .int(120),
            ])
            #expect(decisions.count == 2 && decisions.contains(pads))

            // The declined battery is on the follow-up list; the call made about it joins the chain.
            let list = try await client.execute(uri: "/api/followups", method: .get, headers: auth(tech)) { r in
                try JSON.decoder.decode([FollowUpView].self, from: Data(buffer: r.body))
            }
            #expect(list.first?.declinedItems == ["蓄电池"] && list.first?.urgentItems == ["制动片"])
            try await client.execute(
                uri: "/api/followups/\(list[0].id)", method: .patch, headers: auth(tech), body: ByteBuffer(string: #"{"outcome":"reached"}"#)
            ) { r in #expect(r.status == .ok) }
            let calls = try await t.db.auditRows().map(\.entry).filter { $0.contains(#""kind":"followup_call""#) }
            #expect(calls.count == 1 && calls[0].contains(#""outcome":"reached""#) && calls[0].contains(#""followup_id":\#(list[0].id)"#))
            #expect(AuditLog.verify(try await t.db.auditRows()).isEmpty)

            // The 汇总表 carries gift, sticker, consent and the 7-day follow-up; the follow-up CSV the declined work.
            try await client.execute(uri: "/api/inspections/export.csv", method: .get, headers: auth(tech)) { r in
                let lines = String(buffer: r.body).split(whereSeparator: \.isNewline)
                #expect(lines[0].hasSuffix("赠送礼品,标示贴,同意厂家回访,7日回访"))
                #expect(lines[1].hasSuffix("是,是,是,7日内已回访"))
            }
            try await client.execute(uri: "/api/followups/export.csv", method: .get, headers: auth(tech)) { r in
                #expect(String(buffer: r.body).split(whereSeparator: \.isNewline)[1].hasSuffix("蓄电池"))
            }
        }
    }

    @Test func theRevenueAnalysisCountsAcceptedRepairsNotDeclinedOnes() async throws {
        let t = try await TestApp()
        try await t.test { client in
            let tech = try await client.staffToken(admin: try await client.login("1234"), role: .technician, pin: "555555")
            for _ in 0..<2 {
                try await client.execute(uri: "/api/inspections", method: .post, headers: auth(tech), body: jsonBody(Self.decidedBody())) { r in
                    #expect(r.status == .created)
                }
            }
            try await client.execute(uri: "/api/inspections", method: .post, headers: auth(tech), body: jsonBody(F.body(plate: "苏B1"))) { r in
                #expect(r.status == .created)
            }
            let revenue = try await client.execute(uri: "/api/inspections/revenue", method: .get, headers: auth(tech)) { r in
                try JSON.decoder.decode(RevenueAnalysis.self, from: Data(buffer: r.body))
            }
            #expect(revenue.total.inspections == 3 && revenue.total.defects == 4 && revenue.total.accepted == 2 && revenue.total.declined == 2)
            #expect(revenue.total.partsYuan == 1360 && revenue.total.labourYuan == 240 && revenue.total.totalYuan == 1600)
            #expect(revenue.weeks.count == 1 && revenue.weeks[0].week == RevenueAnalysis.isoWeek(Date()))
            let pads = try #require(revenue.items.first { $0.name == "制动片" })
            #expect(pads.figures.accepted == 2 && pads.figures.partsYuan == 1360)
            #expect(revenue.items.first { $0.name == "蓄电池" }?.figures.declined == 2)
            #expect(revenue.technicians.map(\.technician) == ["王师傅"])
            try await client.execute(uri: "/api/inspections/revenue.csv", method: .get, headers: auth(tech)) { r in
                let text = String(buffer: r.body)
                #expect(text.contains("合计,,3,4,2,2,1360,240,1600"))
            }
            let greeter = try await client.staffToken(admin: try await client.login("1234"), role: .greeter, pin: "666666")
            try await client.execute(uri: "/api/inspections/revenue", method: .get, headers: auth(greeter)) { r in #expect(r.status == .forbidden) }
        }
    }
}

extension JSONValue {
    var object: [String: JSONValue]? { if case .object(let o) = self { return o }; return nil }
    var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    func merging(_ fields: [String: JSONValue]) -> JSONValue {
        guard case .object(let o) = self else { return self }
        return .object(o.merging(fields) { _, new in new })
    }
}
