import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EventKiosk

/// The prize desk's evening list (issue 19): every prize won, who won it, and a tick when it was handed over.
@Suite struct PrizeHandoutHTTPTests {
    func post(_ client: some TestClientProtocol, _ uri: String, _ token: String, _ body: String) async throws -> (HTTPResponse.Status, String) {
        try await client.execute(uri: uri, method: .post, headers: auth(token), body: ByteBuffer(string: body)) { r in
            (r.status, String(buffer: r.body))
        }
    }

    func list(_ client: some TestClientProtocol, _ token: String) async throws -> HandoutList {
        try await client.execute(uri: "/api/prizes/handout", method: .get, headers: auth(token)) { try decodeJSON(HandoutList.self, $0) }
    }

    @Test func theListHoldsEveryPrizeWonAndTicksWhatWasHandedOver() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            let mc = try await client.staffToken(admin: admin, role: .mc, pin: "470047", name: "主持人小周")
            let greeter = try await client.staffToken(admin: admin, role: .greeter, pin: "258025")
            for i in 1...4 {
                let (_, body) = try await post(client, "/api/orders", admin, #"{"invitee_id":\#(i),"model":"408"}"#)
                let order = try #require(body.firstMatch(of: /"order":\{[^}]*?"id":(\d+)/)).1
                let (s, spun) = try await post(client, "/api/wheel/spins", admin, #"{"order_id":\#(order),"nonce":"handout-spin-\#(i)"}"#)
                #expect(s == .created || s == .ok, "\(spun)")
                if i == 2 { _ = try await post(client, "/api/orders/\(order)/void", admin, #"{"reason":"客户退订，奖品已收回"}"#) }
            }
            // The grand draw, with its first winner absent and replaced.
            let (_, created) = try await post(client, "/api/draws", mc, #"{"name":"港澳双人游"}"#)
            let drawID = try #require(created.firstMatch(of: /"id":(\d+)/)).1
            _ = try await post(client, "/api/draws/\(drawID)/freeze", mc, "{}")
            let (_, ran) = try await post(client, "/api/draws/\(drawID)/run", mc, #"{"salt":"8848"}"#)
            let draw = try JSONDecoder().decode(DrawRecord.self, from: Data(ran.utf8))
            let absent = try #require(draw.winners?.first), next = try #require(draw.alternates?.first)
            #expect(try await post(client, "/api/draws/\(drawID)/replace", mc, #"{"winner":"\#(absent)","reason":"不在现场"}"#).0 == .ok)

            var prizes = try await list(client, mc)
            #expect(prizes.total == 4 && prizes.handed == 0, "3 spins kept (one returned by the void) and 1 draw winner")
            #expect(prizes.items.filter { $0.kind == "spin" }.map(\.key) == ["spin:1", "spin:3", "spin:4"])
            let drawn = try #require(prizes.items.first { $0.kind == "draw" })
            #expect(drawn.key == "draw:\(drawID):\(next)" && drawn.prize.contains("港澳双人游"), "the alternate, not the absent winner")
            let winner = try #require(try await t.db.invitee(id: Int64(next)!))
            #expect(drawn.guest == winner.name && drawn.phoneLast4 == String(winner.phone.suffix(4)))

            // Tick, tick again (kept once), untick; a greeter may not; an unknown prize is named.
            let (s1, b1) = try await post(client, "/api/prizes/handout", mc, #"{"key":"spin:3"}"#)
            #expect(s1 == .ok && b1.contains("主持人小周") && b1.contains("\"handed_at\""), "\(b1)")
            _ = try await post(client, "/api/prizes/handout", mc, #"{"key":"spin:3"}"#)
            _ = try await post(client, "/api/prizes/handout", mc, #"{"key":"\#(drawn.key)"}"#)
            prizes = try await list(client, mc)
            #expect(prizes.handed == 2 && prizes.items.first { $0.key == "spin:3" }?.handedBy == "主持人小周")
            #expect(try await post(client, "/api/prizes/handout", mc, #"{"key":"spin:3","handed":false}"#).0 == .ok)
            #expect(try await list(client, mc).handed == 1)
            #expect(try await post(client, "/api/prizes/handout", greeter, #"{"key":"spin:4"}"#).0 == .forbidden)
            let (s404, b404) = try await post(client, "/api/prizes/handout", mc, #"{"key":"spin:2"}"#)
            #expect(s404 == .notFound && b404.contains("spin:2"), "a returned prize is not on the list")
            #expect(try await post(client, "/api/prizes/handout", mc, #"{}"#).0 == .unprocessableContent)

            // The desk works on after the day is closed.
            #expect(try await post(client, "/api/event/close", admin, "{}").0 == .ok)
            #expect(try await post(client, "/api/prizes/handout", mc, #"{"key":"spin:4"}"#).0 == .ok)
            #expect(try await list(client, admin).handed == 2)
        }
    }
}
