import Foundation
import HummingbirdTesting
import KioskFormats
import Testing

@testable import KioskHQ

/// The 汇总表, the call queue and compensation, over packs from two dealers in two regions.
@Suite("HQ summary, calls and compensation", .serialized)
struct NationalViewsHTTPTests {
    static let day = "2026-12-02"

    /// Dealer XZ01 (华东, on time): 3 consenting customers, one urgent. Dealer JN01 (华北, late): 2 customers, one not
    /// consenting, its follow-up not done.
    static func load(_ client: any TestClientProtocol, _ admin: String) async throws {
        var a = SyntheticKiosk(eventDate: day)
        try a.inspect(at: shanghai(day, hour: 9), name: "王小明", phone: "13900000001", urgent: [3], declined: [3])
        try a.inspect(at: shanghai(day, hour: 10), name: "李红", phone: "13900000002", advise: [5, 7], repaired: [5: (680, 120)])
        try a.inspect(at: shanghai(day, hour: 11), name: "赵刚", phone: "13900000003", advise: [7])
        var b = SyntheticKiosk(eventDate: day)
        try b.inspect(at: shanghai(day, hour: 9), name: "孙丽", phone: "13700000001", urgent: [3, 9], followUpDoneAfter: nil)
        try b.inspect(at: shanghai(day, hour: 10), name: "周杰", phone: "13700000002", consent: false, advise: [7], followUpDoneAfter: 9 * 86_400)
        try await client.enrolDealer(admin, code: "XZ01", region: "华东", kiosk: a)
        try await client.enrolDealer(admin, code: "JN01", region: "华北", kiosk: b)
        #expect(try await client.postPack(try a.pack()).status == .created)
        #expect(try await client.postPack(try b.pack()).status == .created)
    }

    @Test func theWeeksSummaryByDealerAndItemAndItsCSV() async throws {
        // JN01's pack arrives after Monday 17:00 of the week after: late. XZ01's too, so set the clock per pack.
        try await HQTestApp.run(edit: { $0.now = { shanghai("2026-12-06") } }) { client, _ in
            let admin = try await client.admin()
            try await Self.load(client, admin)
            let r = try await client.call(.get, "/api/summary?week=2026-W49", token: admin)
            #expect(r.status == .ok, "\(r.text)")
            let dealers = Dictionary(uniqueKeysWithValues: (r.json["dealers"] as? [[String: Any]] ?? []).map { ($0["dealer_code"] as! String, $0) })
            #expect(dealers["XZ01"]?["inspections"] as? Int == 3)
            #expect(dealers["XZ01"]?["urgent_vehicles"] as? Int == 1)
            #expect(dealers["XZ01"]?["followups_due"] as? Int == 3)
            #expect(dealers["XZ01"]?["followups_done_7d"] as? Int == 3)
            #expect(dealers["XZ01"]?["late"] as? Bool == false)
            #expect(dealers["JN01"]?["followups_done_7d"] as? Int == 0)
            let items = Dictionary(uniqueKeysWithValues: (r.json["items"] as? [[String: Any]] ?? []).map { ($0["no"] as! Int, $0) })
            #expect(items[3]?["urgent"] as? Int == 2)
            #expect(items[7]?["advise"] as? Int == 3)
            #expect(items[3]?["name"] as? String == "检查项目3")
            #expect(items.count == 21)

            let csv = try await client.call(.get, "/api/summary.csv?week=2026-W49", token: admin)
            #expect(csv.status == .ok)
            #expect(csv.text.hasPrefix("\u{FEFF}大区"))
            #expect(csv.text.contains("XZ01"))
            let bad = try await client.call(.get, "/api/summary?week=49", token: admin)
            #expect(bad.status == .badRequest)
            #expect(bad.json["error"] as? String == "bad_week")

            // A region user sees its own region only.
            _ = try await client.call(
                .post, "/api/users", token: admin,
                body: client.json(["user": "huabei", "password": "region-pass-1", "role": "region", "region": "华北"]))
            let region = try await client.login("huabei", "region-pass-1")
            let mine = try await client.call(.get, "/api/summary?week=2026-W49", token: region)
            #expect((mine.json["dealers"] as? [[String: Any]])?.map { $0["dealer_code"] as? String } == ["JN01"])
        }
    }

    @Test func aLatePackIsMarkedLate() async throws {
        try await HQTestApp.run(edit: { $0.now = { shanghai("2026-12-07", hour: 18) } }) { client, _ in
            let admin = try await client.admin()
            try await Self.load(client, admin)
            let r = try await client.call(.get, "/api/summary?week=2026-W49", token: admin)
            #expect((r.json["dealers"] as? [[String: Any]] ?? []).allSatisfy { $0["late"] as? Bool == true })
        }
    }

    @Test func agentsWorkThroughEveryConsentingCustomerOnce() async throws {
        try await HQTestApp.run(edit: { $0.now = { shanghai("2026-12-06") } }) { client, _ in
            let admin = try await client.admin()
            try await Self.load(client, admin)
            for name in ["agent1", "agent2"] {
                let u = try await client.call(
                    .post, "/api/users", token: admin, body: client.json(["user": name, "password": "agent-pass-1", "role": "agent"]))
                #expect(u.status == .created, "\(u.text)")
            }
            let a1 = try await client.login("agent1", "agent-pass-1"), a2 = try await client.login("agent2", "agent-pass-1")
            // Only agents take calls.
            #expect(try await client.call(.post, "/api/calls/next", token: admin).status == .forbidden)
            let t1 = try await client.call(.post, "/api/calls/next", token: a1)
            let t2 = try await client.call(.post, "/api/calls/next", token: a2)
            let task1 = try #require(t1.json["task"] as? [String: Any]), task2 = try #require(t2.json["task"] as? [String: Any])
            #expect(task1["id"] as? Int != task2["id"] as? Int)
            // Asking again gives the task already held, not a second one.
            let again = try await client.call(.post, "/api/calls/next", token: a1)
            #expect((again.json["task"] as? [String: Any])?["id"] as? Int == task1["id"] as? Int)
            let customer = task1["customer"] as? [String: Any]
            #expect((customer?["phone"] as? String ?? "").hasPrefix("139") || (customer?["phone"] as? String ?? "").hasPrefix("137"))
            // Someone else's task cannot be answered.
            let id1 = task1["id"] as! Int, id2 = task2["id"] as! Int
            let stolen = try await client.call(.post, "/api/calls/\(id1)", token: a2, body: client.json(["result": "confirmed"]))
            #expect(stolen.status == .conflict)
            let bad = try await client.call(.post, "/api/calls/\(id1)", token: a1, body: client.json(["result": "maybe"]))
            #expect(bad.status == .unprocessableContent)
            #expect(
                try await client.call(.post, "/api/calls/\(id1)", token: a1, body: client.json(["result": "confirmed", "followup_done": true])).status
                    == .ok)
            #expect(
                try await client.call(.post, "/api/calls/\(id2)", token: a2, body: client.json(["result": "denied", "note": "没去过"])).status == .ok)
            let twice = try await client.call(.post, "/api/calls/\(id1)", token: a1, body: client.json(["result": "denied"]))
            #expect(twice.status == .conflict, "a result was stored twice")
            // Two more consenting customers (XZ01 has 3, JN01 1 of 2): 4 in all. One unreachable goes back for another day.
            var seen: Set<Int> = [id1, id2]
            var unreachable: Int?
            while true {
                let n = try await client.call(.post, "/api/calls/next", token: a1)
                if n.status == .noContent { break }
                let id = (n.json["task"] as? [String: Any])?["id"] as? Int ?? -1
                #expect(!seen.contains(id), "task \(id) was handed out twice")
                seen.insert(id)
                let result = unreachable == nil ? "unreachable" : "confirmed"
                if unreachable == nil { unreachable = id }
                #expect(try await client.call(.post, "/api/calls/\(id)", token: a1, body: client.json(["result": result])).status == .ok)
            }
            #expect(seen.count == 4)
            let stats = try await client.call(.get, "/api/calls/stats", token: admin)
            #expect(stats.json["open"] as? Int == 1, "\(stats.text)")
            #expect(stats.json["done:confirmed"] as? Int == 2)
            #expect(stats.json["done:denied"] as? Int == 1)
        }
    }

    @Test func anAbandonedCallGoesBackToTheQueue() async throws {
        try await HQTestApp.run(edit: {
            $0.now = { shanghai("2026-12-06") }; $0.callHoldSeconds = 1
        }) { client, _ in
            let admin = try await client.admin()
            try await Self.load(client, admin)
            for name in ["agent1", "agent2"] {
                _ = try await client.call(
                    .post, "/api/users", token: admin, body: client.json(["user": name, "password": "agent-pass-1", "role": "agent"]))
            }
            let a1 = try await client.login("agent1", "agent-pass-1"), a2 = try await client.login("agent2", "agent-pass-1")
            let first = try await client.call(.post, "/api/calls/next", token: a1)
            let id = (first.json["task"] as? [String: Any])?["id"] as? Int
            try await Task.sleep(for: .milliseconds(1500))
            let taken = try await client.call(.post, "/api/calls/next", token: a2)
            #expect((taken.json["task"] as? [String: Any])?["id"] as? Int == id)
            let late = try await client.call(.post, "/api/calls/\(id ?? 0)", token: a1, body: client.json(["result": "confirmed"]))
            #expect(late.status == .conflict)
        }
    }

    @Test func compensationFollowsTheBandsAndADealerSeesOnlyItsOwn() async throws {
        try await HQTestApp.run(edit: { $0.now = { shanghai("2026-12-06") } }) { client, _ in
            let admin = try await client.admin()
            try await Self.load(client, admin)
            _ = try await client.call(
                .post, "/api/users", token: admin, body: client.json(["user": "agent1", "password": "agent-pass-1", "role": "agent"]))
            let agent = try await client.login("agent1", "agent-pass-1")
            // XZ01: all 3 confirmed (100% → full). JN01: its one customer denies (0% → nothing).
            while true {
                let n = try await client.call(.post, "/api/calls/next", token: agent)
                guard let task = n.json["task"] as? [String: Any], let id = task["id"] as? Int else { break }
                let result = task["dealer_code"] as? String == "XZ01" ? "confirmed" : "denied"
                _ = try await client.call(.post, "/api/calls/\(id)", token: agent, body: client.json(["result": result, "followup_done": true]))
            }
            let r = try await client.call(.get, "/api/compensation", token: admin)
            let rows = Dictionary(uniqueKeysWithValues: (r.json["dealers"] as? [[String: Any]] ?? []).map { ($0["dealer_code"] as! String, $0) })
            #expect(rows["XZ01"]?["truth_rate"] as? Double == 1)
            #expect(rows["XZ01"]?["hours"] as? Double == 3)
            #expect(rows["XZ01"]?["amount_yuan"] as? Double == 360)
            #expect(rows["XZ01"]?["rank"] as? Int == 1)
            #expect(rows["JN01"]?["hours"] as? Double == 0)
            let csv = try await client.call(.get, "/api/compensation.csv", token: admin)
            #expect(csv.text.contains("XZ01") && csv.text.contains("360.00"))

            _ = try await client.call(
                .post, "/api/users", token: admin,
                body: client.json(["user": "jn", "password": "dealer-pass-1", "role": "dealer", "dealer_code": "JN01"]))
            let dealer = try await client.login("jn", "dealer-pass-1")
            let own = try await client.call(.get, "/api/compensation", token: dealer)
            #expect((own.json["dealers"] as? [[String: Any]])?.map { $0["dealer_code"] as? String } == ["JN01"])
            #expect(try await client.call(.get, "/api/dealers/XZ01", token: dealer).status == .forbidden)
            #expect(try await client.call(.get, "/api/summary?week=2026-W49", token: dealer).status == .forbidden)
        }
    }
}

@Suite("Compensation rules")
struct CompensationRuleTests {
    static func campaign() throws -> Campaign {
        try Campaign.load(try Data(contentsOf: HQTestApp.repoRoot.appendingPathComponent("Assets/hq-campaign.json")))
    }

    static func dealer(_ code: String, confirmed: Int, denied: Int, late: Int = 0) -> DealerFigures {
        DealerFigures(
            dealerCode: code, name: code, region: "华东", inspections: confirmed + denied, confirmed: confirmed, denied: denied, confirmedLate: late,
            followupsDue: confirmed + denied, followupsDone7d: confirmed, weeks: 2, weeksOnTime: late > 0 ? 1 : 2)
    }

    @Test(arguments: [(100, 0, 1.0), (95, 5, 1.0), (90, 10, 0.8), (85, 15, 0.8), (80, 20, 0.5), (70, 30, 0.5), (69, 31, 0.0), (0, 10, 0.0)])
    func eachBandPaysItsShare(confirmed: Int, denied: Int, share: Double) throws {
        let c = try Self.campaign()
        let row = try #require(Compensation.compute([Self.dealer("A", confirmed: confirmed, denied: denied)], campaign: c).first)
        #expect(row.share == share)
        #expect(row.hours == Double(confirmed) * c.hoursPerInspection * share)
        #expect(row.amountYuan == row.hours * c.yuanPerHour)
    }

    @Test func lateWeeksPayTheLateShareAndTheScoreIsBrokenDown() throws {
        let c = try Self.campaign()
        let rows = Compensation.compute(
            [Self.dealer("A", confirmed: 10, denied: 0, late: 4), Self.dealer("B", confirmed: 10, denied: 0)], campaign: c)
        let a = try #require(rows.first { $0.dealerCode == "A" }), b = try #require(rows.first { $0.dealerCode == "B" })
        #expect(a.hours == 6)  // 6 on time × 1 h; the 4 late at late_share 0
        #expect(b.hours == 10)
        #expect(b.rank == 1 && a.rank == 2)
        #expect(b.score == b.scoreParts.truthRate + b.scoreParts.followup + b.scoreParts.onTime)
        #expect(a.scoreParts.onTime == c.score.onTime / 2)
    }

    @Test func noAnsweredCallsPayNothingYet() throws {
        let row = try #require(Compensation.compute([Self.dealer("A", confirmed: 0, denied: 0)], campaign: try Self.campaign()).first)
        #expect(row.truthRate == nil)
        #expect(row.hours == 0)
    }

    @Test func aCampaignFileWithBadFieldsNamesThem() throws {
        var text = String(decoding: try Data(contentsOf: HQTestApp.repoRoot.appendingPathComponent("Assets/hq-campaign.json")), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"late_share\": 0.0", with: "\"late_share\": 3")
        #expect(throws: CampaignError.self) { try Campaign.load(Data(text.utf8)) }
        do { _ = try Campaign.load(Data(text.utf8)) } catch let e as CampaignError { #expect(e.problems.contains { $0.hasPrefix("late_share") }) }
    }

    @Test func weeksAndDeadlinesAreShanghais() {
        #expect(Week.of(shanghai("2026-11-30", hour: 0)) == "2026-W49")
        #expect(Week.of(shanghai("2026-12-06", hour: 23)) == "2026-W49")
        #expect(Week.of(shanghai("2026-12-07", hour: 0)) == "2026-W50")
        #expect(Week.deadline(of: "2026-W49") == shanghai("2026-12-07", hour: 17))
        #expect(Week.isWeek("2025-W53") == false)
        #expect(Week.isWeek("2026-W53"))
        #expect(Week.isWeek("2026-W01"))
    }
}
