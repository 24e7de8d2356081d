import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EventKiosk

@Suite struct OrdersHTTPTests {
    struct TallyAnswer: Decodable, Equatable {
        let orders: Int; let rebatePerOrder: Int; let totalRebate: Int; let nextTier: Next?
        struct Next: Decodable, Equatable { let at: Int; let rebate: Int }
    }
    struct Created: Decodable { let order: Order; let tally: TallyAnswer }
    struct Order: Decodable { let id: Int64; let name: String; let model: String; let consultant: String; let voided: Bool }

    struct NewOrder: Encodable {
        let inviteeId: Int64; let model: String; var consultant: String? = nil
        enum CodingKeys: String, CodingKey { case inviteeId = "invitee_id", model, consultant }
    }

    func order(
        _ client: some TestClientProtocol, _ token: String, invitee: Int64, model: String = "408"
    ) async throws -> (HTTPResponse.Status, Created?) {
        try await client.execute(uri: "/api/orders", method: .post, headers: auth(token), body: jsonBody(NewOrder(inviteeId: invitee, model: model)))
        { r in
            (r.status, try? decodeJSON(Created.self, r))
        }
    }

    func tally(_ client: some TestClientProtocol) async throws -> TallyAnswer {
        try await client.execute(uri: "/api/tally", method: .get) { r in try decodeJSON(TallyAnswer.self, r) }
    }

    @Test func ordersClimbTheTiersAndAVoidDropsTheCount() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            let sales = try await client.staffToken(admin: admin, role: .sales, pin: "369036", name: "李强")
            #expect(try await tally(client) == TallyAnswer(orders: 0, rebatePerOrder: 0, totalRebate: 0, nextTier: .init(at: 3, rebate: 500)))
            var last: Created?
            for id in 1...6 {
                let (s, c) = try await order(client, sales, invitee: Int64(id))
                #expect(s == .created)
                last = c
            }
            #expect(last?.order.consultant == "李强")
            #expect(last?.tally == TallyAnswer(orders: 6, rebatePerOrder: 1000, totalRebate: 6000, nextTier: .init(at: 11, rebate: 1500)))

            struct Reason: Encodable { let reason: String }
            // Another consultant cannot void 李强's order (issue 24: there was no approval); he or the admin can.
            let other = try await client.staffToken(admin: admin, role: .sales, pin: "369037", name: "王芳")
            try await client.execute(uri: "/api/orders/6/void", method: .post, headers: auth(other), body: jsonBody(Reason(reason: "点错"))) { r in
                #expect(r.status == .forbidden && String(buffer: r.body).contains("not_your_order"))
            }
            try await client.execute(uri: "/api/orders/6/void", method: .post, headers: auth(sales), body: jsonBody(Reason(reason: "客户反悔"))) { r in
                #expect(r.status == .ok)
                let c = try decodeJSON(Created.self, r)
                #expect(c.order.voided && c.tally.orders == 5 && c.tally.rebatePerOrder == 500)
            }
            try await client.execute(uri: "/api/orders/6/void", method: .post, headers: auth(sales), body: jsonBody(Reason(reason: "again"))) { r in
                #expect(r.status == .conflict)
            }
            try await client.execute(uri: "/api/orders/5/void", method: .post, headers: auth(sales), body: jsonBody(["reason": ""])) { r in
                #expect(r.status == .unprocessableContent)
            }
            #expect(try await tally(client).totalRebate == 2500)
            // The void is a new record: the order row is still there.
            let rows = try await t.db.read { db in try OrderRecord.fetchCount(db) }
            #expect(rows == 6)
        }
    }

    @Test func onlySalesAndAdminRecordAndVoidOrders() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            let greeter = try await client.staffToken(admin: admin, role: .greeter, pin: "258025")
            let mc = try await client.staffToken(admin: admin, role: .mc, pin: "470047")
            #expect(try await order(client, greeter, invitee: 1).0 == .forbidden)
            #expect(try await order(client, mc, invitee: 1).0 == .forbidden)
            #expect(try await order(client, "", invitee: 1).0 == .unauthorized)
            #expect(try await order(client, admin, invitee: 1).0 == .created)
            try await client.execute(uri: "/api/orders/1/void", method: .post, headers: auth(greeter), body: jsonBody(["reason": "x"])) { r in
                #expect(r.status == .forbidden)
            }
            #expect(try await tally(client).orders == 1)
        }
    }

    @Test func aCustomerTypedInIsRecordedAndBadOrdersAreRefusedByName() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            struct Typed: Encodable { let customer: [String: String]; let model: String }
            try await client.execute(
                uri: "/api/orders", method: .post, headers: auth(admin),
                body: jsonBody(Typed(customer: ["name": "新客户", "phone": "136 1111 2222"], model: "3008"))
            ) { r in
                #expect(r.status == .created)
                let created = try decodeJSON(Created.self, r)
                #expect(created.order.name == "新客户")
            }
            try await client.execute(
                uri: "/api/orders", method: .post, headers: auth(admin),
                body: jsonBody(Typed(customer: ["name": "新客户", "phone": "12"], model: "3008"))
            ) { r in
                #expect(r.status == .unprocessableContent)
                #expect(errorMessage(r).contains("phone") || errorMessage(r).contains("mobile"))
            }
            #expect(try await order(client, admin, invitee: 999).0 == .notFound)
            #expect(try await order(client, admin, invitee: 1, model: "").0 == .unprocessableContent)
            #expect(try await tally(client).orders == 1)
        }
    }

    @Test func theRebateStatementListsEveryOrderWithItsRebateAndTheTotal() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            for id in 1...4 { _ = try await order(client, admin, invitee: Int64(id)) }
            try await client.execute(uri: "/api/orders/2/void", method: .post, headers: auth(admin), body: jsonBody(["reason": "退订"])) { _ in }
            try await client.execute(uri: "/api/orders/statement.csv", method: .get, headers: auth(admin)) { r in
                let bytes = Array(Data(buffer: r.body))
                #expect(bytes.prefix(3) == [0xEF, 0xBB, 0xBF])
                let lines = String(decoding: bytes.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
                #expect(lines.count == 6)
                #expect(lines[1].hasSuffix(",有效 valid,500"))
                #expect(lines[2].contains("作废 voided: 退订") && lines[2].hasSuffix(",0"))
                #expect(lines[5].hasPrefix("合计 total") && lines[5].hasSuffix(",1500"))
            }
        }
    }

    @Test func ordersFromManyConsultantsAtOnceAreAllCounted() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let t = try await TestApp(db: try AppDatabase.open(directory: dir), loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for id in 1...25 { group.addTask { _ = try await order(client, admin, invitee: Int64(id)) } }
                try await group.waitForAll()
            }
            #expect(try await tally(client) == TallyAnswer(orders: 25, rebatePerOrder: 2500, totalRebate: 62_500, nextTier: nil))
        }
    }
}
