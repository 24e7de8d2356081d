import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EventKiosk

/// Fair play: prizes follow the event's rules, not anyone's goodwill (issue 15). Each of these failed before.
@Suite struct FairPlayHTTPTests {
    func post(_ client: some TestClientProtocol, _ uri: String, _ token: String, _ body: String) async throws -> (HTTPResponse.Status, String) {
        try await client.execute(uri: uri, method: .post, headers: auth(token), body: ByteBuffer(string: body)) { r in
            (r.status, String(buffer: r.body))
        }
    }

    func order(_ client: some TestClientProtocol, _ token: String, _ invitee: Int) async throws -> Int {
        let (status, body) = try await post(client, "/api/orders", token, #"{"invitee_id":\#(invitee),"model":"408"}"#)
        #expect(status == .created, "\(body)")
        let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as! [String: Any]
        return (json["order"] as! [String: Any])["id"] as! Int
    }

    @Test func bonusSpinsStopAtTheEventsLimitsPerGuestAndForTheDay() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        var event = try #require(try await t.db.event())
        event.wheel.bonusSpinsPerGuest = 2
        event.wheel.bonusSpins = 3
        _ = try await t.db.updateEvent(event, staffID: nil)
        try await t.test { client in
            let mc = try await client.staffToken(admin: try await client.login("1234"), role: .mc, pin: "470047", name: "主持人小周")
            try await t.checkIn(1...3)
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<5 { statuses.append(try await post(client, "/api/wheel/grants", mc, #"{"invitee_id":1,"reason":"夺宝令牌"}"#).0) }
            #expect(statuses == [.created, .created, .conflict, .conflict, .conflict], "the MC's five grants in a row")
            let (s3, body3) = try await post(client, "/api/wheel/grants", mc, #"{"invitee_id":2,"reason":"夺宝令牌"}"#)
            #expect(s3 == .created, "\(body3)")
            let (s4, body4) = try await post(client, "/api/wheel/grants", mc, #"{"invitee_id":3,"reason":"夺宝令牌"}"#)
            #expect(s4 == .conflict && body4.contains("grant_limit"), "the day's 3 are gone")
            let grants = try await client.execute(uri: "/api/wheel/grants", method: .get) { String(buffer: $0.body) }
            #expect(grants.contains("主持人小周") && grants.contains("夺宝令牌") && !grants.contains("\"name\""))
        }
    }

    @Test func aSpunOrderIsVoidedByAnAdminOnlyAndItsPrizeGoesBackToStock() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            let sales = try await client.staffToken(admin: admin, role: .sales, pin: "369036")
            let wheelBefore = try await t.db.wheel()
            let o = try await order(client, sales, 1)
            let (_, spun) = try await post(client, "/api/wheel/spins", sales, #"{"order_id":\#(o),"nonce":"spin-void-1"}"#)
            let prize = try #require((try JSONSerialization.jsonObject(with: Data(spun.utf8)) as? [String: Any])?["spin"] as? [String: Any])
            let prizeID = (prize["prize"] as! [String: Any])["id"] as! String
            // order → spin → void, three times, re-rolling a friend's prize: refused for sales.
            let (s1, b1) = try await post(client, "/api/orders/\(o)/void", sales, #"{"reason":"客户反悔"}"#)
            #expect(s1 == .forbidden && b1.contains("spun_order"))
            let (s2, _) = try await post(client, "/api/orders/\(o)/void", admin, #"{"reason":"客户退订，奖品已收回"}"#)
            #expect(s2 == .ok)
            let wheel = try await t.db.wheel()
            let before = try #require(wheelBefore.prizes.first { $0.id == prizeID }), after = try #require(wheel.prizes.first { $0.id == prizeID })
            #expect(after.remaining == before.remaining, "the prize is back in stock")
            let record = try await t.db.wheelRecord()
            let change = try #require(record.stockChanges?.first)
            #expect(change.prize == prizeID && change.stock == change.oldStock + 1 && change.returnedSpin == 1 && change.reason == "客户退订，奖品已收回")
            // An unspun order may still be voided by sales.
            let o2 = try await order(client, sales, 2)
            #expect(try await post(client, "/api/orders/\(o2)/void", sales, #"{"reason":"录错"}"#).0 == .ok)
        }
    }

    @Test func aReturnedPrizeIsReplayedByTheVerifier() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            for i in 1...6 {
                let o = try await order(client, admin, i)
                _ = try await post(client, "/api/wheel/spins", admin, #"{"order_id":\#(o),"nonce":"replay-spin-\#(i)"}"#)
                if i == 3 { _ = try await post(client, "/api/orders/\(o)/void", admin, #"{"reason":"退订"}"#) }
            }
            #expect(try await post(client, "/api/event/close", admin, "{}").0 == .ok)
            let record = try await client.execute(uri: "/api/wheel/record", method: .get) { Data(buffer: $0.body) }
            let (ok, lines) = DrawVerifier.verify(fileData: record)
            #expect(ok, "\(lines)")
            #expect(String(decoding: record, as: UTF8.self).contains("returned_spin"))
        }
    }

    @Test func drawsAreTheEventsDrawsEachOnceWithTheirCounts() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let mc = try await client.staffToken(admin: try await client.login("1234"), role: .mc, pin: "470047")
            let (s1, _) = try await post(client, "/api/draws", mc, #"{"name":"港澳双人游"}"#)
            #expect(s1 == .created, "the event's counts are used when none are given")
            let (s2, b2) = try await post(client, "/api/draws", mc, #"{"name":"港澳双人游","pool":"orders","winners":1,"alternates":2}"#)
            #expect(s2 == .conflict && b2.contains("draw_exists"), "a second create under the same name")
            let (s3, b3) = try await post(client, "/api/draws", mc, #"{"name":"欧洲十日游"}"#)
            #expect(s3 == .unprocessableContent && b3.contains("unknown_draw"))
            let t2 = try await TestApp(loadDemoInvitees: true)
            try await t2.test { client2 in
                let mc2 = try await client2.staffToken(admin: try await client2.login("1234"), role: .mc, pin: "470047")
                let (s4, b4) = try await post(client2, "/api/draws", mc2, #"{"name":"港澳双人游","winners":3}"#)
                #expect(s4 == .unprocessableContent && b4.contains("draw_mismatch"))
            }
        }
    }

    struct Draw: Decodable {
        let winners: [String]?; let alternates: [String]?; let replacements: [Replacement]; let names: [String: String]; let phones: [String: String]
        struct Replacement: Decodable { let winner: String; let replacement: String; let reason: String }
    }

    @Test func replacementsTakeTheAlternatesInOrderWithAReasonAndNamesAreKeptFromTheRun() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            for i in 1...8 { _ = try await order(client, admin, i) }
            let (_, created) = try await post(client, "/api/draws", admin, #"{"name":"港澳双人游"}"#)
            let id = (try JSONSerialization.jsonObject(with: Data(created.utf8)) as! [String: Any])["id"] as! Int
            _ = try await post(client, "/api/draws/\(id)/freeze", admin, "{}")
            _ = try await post(client, "/api/draws/\(id)/run", admin, #"{"salt":"8848"}"#)
            let ran = try await client.execute(uri: "/api/draws/\(id)", method: .get) { try decodeJSON(Draw.self, $0) }
            let winner = try #require(ran.winners?.first), alternates = try #require(ran.alternates)
            #expect(alternates.count == 2)
            // A later edit of the winner's name changes nothing on the draw's record.
            let shown = ran.names[winner]
            try await client.execute(uri: "/api/invitees/\(winner)", method: .patch, headers: auth(admin), body: jsonBody(["name": "改名字"])) { _ in }
            let (sNo, _) = try await post(client, "/api/draws/\(id)/replace", admin, #"{"winner":"\#(winner)"}"#)
            #expect(sNo == .unprocessableContent, "a reason is required")
            _ = try await post(client, "/api/draws/\(id)/replace", admin, #"{"winner":"\#(winner)","reason":"不在现场"}"#)
            _ = try await post(client, "/api/draws/\(id)/replace", admin, #"{"winner":"\#(alternates[0])","reason":"电话未接通"}"#)
            let after = try await client.execute(uri: "/api/draws/\(id)", method: .get) { try decodeJSON(Draw.self, $0) }
            #expect(after.replacements.map(\.replacement) == alternates, "alternates in order")
            #expect(after.replacements.map(\.reason) == ["不在现场", "电话未接通"])
            #expect(after.names[winner] == shown && shown != nil && after.names[winner] != NameMask.mask("改名字"))
            #expect(after.phones[winner]?.count == 4)
            let (sOut, _) = try await post(client, "/api/draws/\(id)/replace", admin, #"{"winner":"\#(alternates[1])","reason":"又走了"}"#)
            #expect(sOut == .conflict, "no alternates left")
        }
    }

    @Test func tiersChangeAfterTheFirstOrderOnlyWithAReasonThatTheStatementShows() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            _ = try await order(client, admin, 1)
            var event = try #require(try await t.db.event())
            event.tiers[0].rebate = 400
            var body = try JSONSerialization.jsonObject(with: try JSON.encoder.encode(event)) as! [String: Any]
            try await client.execute(
                uri: "/api/event", method: .put, headers: auth(admin), body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: body))
            ) { r in
                #expect(r.status == .unprocessableContent && String(buffer: r.body).contains("tiers_change_reason"))
            }
            body["tiers_change_reason"] = "厂家调整政策"
            try await client.execute(
                uri: "/api/event", method: .put, headers: auth(admin), body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: body))
            ) { r in
                #expect(r.status == .ok)
            }
            let csv = try await client.execute(uri: "/api/orders/statement.csv", method: .get, headers: auth(admin)) { String(buffer: $0.body) }
            #expect(csv.contains("厂家调整政策") && csv.contains("返利档位变更"))
            let audit = try await t.db.auditRows().map(\.entry)
            #expect(audit.contains { $0.contains("tiers_changed") && $0.contains("厂家调整政策") })
        }
    }

    @Test func afterTheCloseEveryChangeIsRefusedButFollowUpsAndSignInGoOn() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            #expect(try await post(client, "/api/event/close", admin, "{}").0 == .ok)
            for (uri, body) in [
                ("/api/staff", #"{"name":"新人","role":"greeter","pin":"13572468"}"#), ("/api/invitees/1/revoke", "{}"),
                ("/api/wheel/grants", #"{"invitee_id":1}"#), ("/api/readiness/qr_printed", "{}"),
            ] {
                let (status, answer) = try await post(client, uri, admin, body)
                #expect(status == .conflict && answer.contains("event_closed"), "\(uri): \(status)")
            }
            try await client.execute(uri: "/api/invitees/1", method: .patch, headers: auth(admin), body: jsonBody(["name": "改"])) { r in
                #expect(r.status == .conflict)
            }
            _ = try await client.login("1234")
        }
    }

    @Test func everyChangeInTheLogCarriesItsBeforeAndAfter() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            try await client.execute(uri: "/api/invitees/2", method: .patch, headers: auth(admin), body: jsonBody(["plate": "苏C99999"])) { _ in }
            var event = try #require(try await t.db.event())
            event.venue = "新场地"
            try await client.execute(uri: "/api/event", method: .put, headers: auth(admin), body: ByteBuffer(data: try JSON.encoder.encode(event))) {
                _ in
            }
            _ = try await client.staffToken(admin: admin, role: .greeter, pin: "258025", name: "王芳")
            let audit = try await t.db.auditRows().map(\.entry)
            let edit = try #require(audit.first { $0.contains("\"invitee_changed\"") })
            #expect(edit.contains("\"plate\":{\"after\":\"苏C99999\",\"before\":"))
            let changed = try #require(audit.first { $0.contains("\"event_changed\"") })
            #expect(changed.contains("\"venue\":{\"after\":\"新场地\""))
            #expect(audit.contains { $0.contains("staff_added") && $0.contains("王芳") && !$0.contains("258025") })
            #expect(audit.contains { $0.contains("invitees_imported") })
            let head = try await client.execute(uri: "/api/audit/head", method: .get) { try decodeJSON(AuditHead.self, $0) }
            #expect(head.seq == Int64(audit.count) && head.short.count == 8)
        }
    }
}
