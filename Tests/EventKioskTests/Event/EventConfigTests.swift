import Foundation
import Testing

@testable import EventKiosk

@Suite struct EventConfigTests {
    static let demo = TestApp.repoRoot.appendingPathComponent("Assets/demo-event.json")

    func demoJSON() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: Self.demo)) as! [String: Any]
    }

    func problems(_ edit: (inout [String: Any]) -> Void) throws -> [EventProblem] {
        var json = try demoJSON()
        edit(&json)
        let data = try JSONSerialization.data(withJSONObject: json)
        do { _ = try EventConfig.load(data: data, source: "test"); return [] } catch let e as EventFileError { return e.problems }
    }

    @Test func theDemoEventLoadsWithTheSeedTierTable() throws {
        let event = try EventConfig.load(file: Self.demo)
        #expect(event.tiers.map(\.from) == [3, 6, 11, 16, 21])
        #expect(event.tiers.map(\.rebate) == [500, 1000, 1500, 2000, 2500])
        #expect(event.doors.count >= 1)
        #expect(event.inspectionTemplate == "inspection-21.json")
    }

    @Test func aMissingFieldIsNamed() throws {
        let p = try problems { $0.removeValue(forKey: "venue") }
        #expect(p == [EventProblem(field: "venue", message: "缺少此项 / is missing")])
    }

    @Test func aWrongTypeIsNamedWithItsPath() throws {
        let p = try problems { j in
            var tiers = j["tiers"] as! [[String: Any]]
            tiers[1]["rebate"] = "一千"
            j["tiers"] = tiers
        }
        #expect(p.first?.field == "tiers[1].rebate")
    }

    @Test func tiersMustRiseWithoutDuplicatesOrNegatives() throws {
        let p = try problems { j in
            j["tiers"] = [["from": 3, "rebate": 500], ["from": 3, "rebate": 1000], ["from": 6, "rebate": -1]]
        }
        let fields = p.map(\.field)
        #expect(fields.contains("tiers[1].from"))
        #expect(fields.contains("tiers[2].rebate"))
    }

    @Test func aBadDateAndDuplicateDoorsAreRefused() throws {
        let p = try problems { j in
            j["date"] = "2026-02-30"; j["doors"] = ["东门", "东门"]
        }
        #expect(p.map(\.field).contains("date"))
        #expect(p.map(\.field).contains("doors[1]"))
    }

    @Test func aDrawPrizeOverFiftyThousandYuanIsRefusedByPromotionLaw() throws {
        let p = try problems { j in
            j["draws"] = [["name": "汽车一辆", "value": 80_000, "pool": "orders", "winners": 1, "alternates": 0]]
        }
        #expect(p.count == 1)
        #expect(p[0].field == "draws[0].value")
        #expect(p[0].message.contains("50000"))
    }

    @Test func wheelPlusDrawOverTheLimitIsRefused() throws {
        let p = try problems { j in
            j["draws"] = [["name": "旅游", "value": 49_000, "pool": "orders", "winners": 1, "alternates": 0]]
        }
        #expect(p.map(\.field) == ["wheel.prizes"])
    }

    @Test func notJSONAtAllIsAClearProblem() {
        #expect(throws: EventFileError.self) { try EventConfig.load(data: Data("{ oops".utf8), source: "x") }
    }
}
