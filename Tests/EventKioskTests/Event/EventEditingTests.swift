import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EventKiosk

@Suite struct EventEditRulesTests {
    func event(_ prizes: [(String, Int)]) throws -> EventConfig {
        var e = try EventConfig.load(file: TestApp.repoRoot.appendingPathComponent("Assets/demo-event.json"))
        e.wheel.prizes = prizes.map { .init(id: $0.0, name: $0.0.uppercased(), value: 100, stock: $0.1) }
        return e
    }

    @Test func beforeTheFirstSpinPrizesMayBeRemovedReorderedAndCut() throws {
        let old = try event([("a", 5), ("b", 5)]), new = try event([("b", 0)])
        #expect(EventEditRules.problems(old: old, new: new, won: [:], spins: 0).isEmpty)
        #expect(EventEditRules.stockChanges(old: old, new: new) == [.init(prizeID: "b", old: 5, new: 0), .init(prizeID: "a", old: 5, new: 0)])
    }

    @Test func afterASpinAPrizeCannotMoveOrDisappear() throws {
        let old = try event([("a", 5), ("b", 5)])
        let moved = EventEditRules.problems(old: old, new: try event([("b", 5), ("a", 5)]), won: ["a": 1], spins: 1)
        #expect(moved.map(\.field) == ["wheel.prizes[0].id"])
        let removed = EventEditRules.problems(old: old, new: try event([("a", 5)]), won: ["a": 1], spins: 1)
        #expect(removed.map(\.field) == ["wheel.prizes[1].id"])
        // Appending a prize and raising a stock are fine.
        #expect(EventEditRules.problems(old: old, new: try event([("a", 9), ("b", 5), ("c", 3)]), won: ["a": 1], spins: 1).isEmpty)
    }

    @Test func stockCannotFallBelowWhatWasGivenOut() throws {
        let old = try event([("a", 5), ("b", 5)])
        let p = EventEditRules.problems(old: old, new: try event([("a", 2), ("b", 5)]), won: ["a": 3], spins: 3)
        #expect(p.map(\.field) == ["wheel.prizes[0].stock"])
        #expect(p[0].message.contains("3 already given out"))
        #expect(EventEditRules.problems(old: old, new: try event([("a", 3), ("b", 5)]), won: ["a": 3], spins: 3).isEmpty)
    }
}

@Suite struct EventEditingHTTPTests {
    /// The editor's event as a JSON object the test can change.
    func editorEvent(_ client: some TestClientProtocol, _ admin: String) async throws -> [String: Any] {
        try await client.execute(uri: "/api/event/config", method: .get, headers: auth(admin)) { r in
            #expect(r.status == .ok)
            return try #require((try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any])?["event"] as? [String: Any])
        }
    }

    func put(_ client: some TestClientProtocol, _ admin: String, _ event: [String: Any]) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.execute(
            uri: "/api/event", method: .put, headers: auth(admin),
            body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: event))
        ) { r in
            (r.status, (try? JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any]) ?? [:])
        }
    }

    func fields(_ body: [String: Any]) -> [String] { (body["problems"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String } }

    @Test func anInvalidEditIsRefusedWithEveryProblemByFieldAndNothingChanges() async throws {
        let t = try await TestApp()
        try await t.test { client in
            let admin = try await client.login("1234")
            var e = try await editorEvent(client, admin)
            e["name"] = "  "
            e["date"] = "2026-02-30"
            e["doors"] = ["正门", "正门"]
            e["tiers"] = [["from": 3, "rebate": 500], ["from": 2, "rebate": 400]]
            let (status, body) = try await put(client, admin, e)
            #expect(status == .unprocessableContent)
            #expect(Set(fields(body)).isSuperset(of: ["name", "date", "doors[1]", "tiers[1].from", "tiers[1].rebate"]))
            try await client.execute(uri: "/api/event", method: .get) { r in
                #expect(String(buffer: r.body).contains("东风标致微山湖车主体验日"))
            }
            // A wrong type names its field too.
            e = try await editorEvent(client, admin)
            e["expected_orders"] = "thirty"
            let (status2, body2) = try await put(client, admin, e)
            #expect(status2 == .unprocessableContent && fields(body2) == ["expected_orders"])
            // A prize over the legal limit says why.
            e = try await editorEvent(client, admin)
            var draws = try #require(e["draws"] as? [[String: Any]])
            draws[0]["value"] = 60000
            e["draws"] = draws
            let (status3, body3) = try await put(client, admin, e)
            #expect(status3 == .unprocessableContent && fields(body3) == ["draws[0].value"])
        }
    }

    @Test func aValidEditGoesLiveForEveryPageAtOnce() async throws {
        let t = try await TestApp()
        try await t.test { client in
            let admin = try await client.login("1234")
            let greeter = try await client.staffToken(admin: admin, role: .greeter, pin: "555555")
            var e = try await editorEvent(client, admin)
            e["name"] = "新春试驾日"
            e["doors"] = ["北门"]
            e["tiers"] = [["from": 1, "rebate": 300]]
            let (status, _) = try await put(client, admin, e)
            #expect(status == .ok)
            try await client.execute(uri: "/api/event", method: .get) { r in #expect(String(buffer: r.body).contains("新春试驾日")) }
            try await client.execute(
                uri: "/api/walkins", method: .post, headers: auth(greeter),
                body: jsonBody(["name": "赵六", "phone": "13900001111", "door": "北门", "nonce": UUID().uuidString])
            ) { r in
                #expect(r.status == .created)
            }
            // A greeter may not edit the event.
            let (denied, _) = try await put(client, greeter, e)
            #expect(denied == .forbidden)
        }
    }

    @Test func stockRaisedAfterSpinsIsAuditedAndEverySpinStillVerifies() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            var e = try await editorEvent(client, admin)
            e["wheel"] = [
                "prizes": [["id": "a", "name": "A", "value": 100, "stock": 2], ["id": "b", "name": "B", "value": 50, "stock": 1]],
                "bonus_spins_per_guest": 20,
            ]
            #expect(try await put(client, admin, e).0 == .ok)
            try await t.checkIn(1...10)
            func spin(_ invitee: Int) async throws -> HTTPResponse.Status {
                let grant = try await client.execute(
                    uri: "/api/wheel/grants", method: .post, headers: auth(admin),
                    body: ByteBuffer(string: #"{"invitee_id":\#(invitee),"reason":"夺宝令牌"}"#)
                ) { r in
                    try grantID(r)
                }
                return try await client.execute(
                    uri: "/api/wheel/spins", method: .post, headers: auth(admin),
                    body: ByteBuffer(string: #"{"grant_id":\#(grant),"nonce":"\#(UUID().uuidString)"}"#)
                ) { $0.status }
            }
            for i in 1...3 { #expect(try await spin(i) == .created) }
            #expect(try await spin(4) == .conflict)  // sold out

            // Cutting below what was given out is refused; moving a prize is refused.
            e = try await editorEvent(client, admin)
            e["wheel"] = ["prizes": [["id": "a", "name": "A", "value": 100, "stock": 1], ["id": "b", "name": "B", "value": 50, "stock": 1]]]
            let (cut, body) = try await put(client, admin, e)
            #expect(cut == .unprocessableContent && fields(body) == ["wheel.prizes[0].stock"])
            e["wheel"] = ["prizes": [["id": "b", "name": "B", "value": 50, "stock": 1], ["id": "a", "name": "A", "value": 100, "stock": 2]]]
            #expect(try await put(client, admin, e).0 == .unprocessableContent)

            // More stock, and a new prize at the end: the wheel turns again.
            e["wheel"] = [
                "prizes": [
                    ["id": "a", "name": "A", "value": 100, "stock": 4], ["id": "b", "name": "B", "value": 50, "stock": 1],
                    ["id": "c", "name": "C", "value": 30, "stock": 3],
                ]
            ]
            #expect(try await put(client, admin, e).0 == .ok)
            for i in 5...9 { #expect(try await spin(i) == .created) }
            #expect(try await spin(10) == .conflict)

            try await client.execute(uri: "/api/event/close", method: .post, headers: auth(admin)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/wheel/record", method: .get) { r in
                let record = try JSONDecoder().decode(DrawVerifier.WheelRecord.self, from: Data(buffer: r.body))
                #expect(record.prizes.map(\.stock) == [2, 1, 0])  // as the day started
                #expect(record.stockChanges?.count == 2)
                #expect(DrawVerifier.verify(wheel: record) == [])
                // The record says what happened: without the stock changes the spins would not recompute.
                var bare = record
                bare.stockChanges = nil
                #expect(!DrawVerifier.verify(wheel: bare).isEmpty)
            }
            let entries = try await t.db.auditRows().map(\.entry)
            // The first edit set a and b and emptied the five demo prizes; the last raised a and added c.
            #expect(entries.filter { $0.contains(#""kind":"stock_change""#) }.count == 7 + 2)
            // Closed: nothing more can be edited.
            #expect(try await put(client, admin, try await editorEvent(client, admin)).0 == .conflict)
        }
    }
}
