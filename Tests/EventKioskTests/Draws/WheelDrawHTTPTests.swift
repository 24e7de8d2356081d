import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EventKiosk

@Suite struct WheelDrawHTTPTests {
    struct Wheel: Decodable {
        let commitment: String; let prizes: [Prize]; let spins: Int; let seed: String?
        struct Prize: Decodable { let id: String; let stock: Int; let remaining: Int }
    }

    func order(_ client: some TestClientProtocol, _ token: String, _ invitee: Int64) async throws -> Int64 {
        try await client.execute(
            uri: "/api/orders", method: .post, headers: auth(token),
            body: ByteBuffer(string: #"{"invitee_id":\#(invitee),"model":"408"}"#)
        ) { r in
            let obj = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any]
            guard let id = ((obj?["order"] as? [String: Any])?["id"] as? NSNumber)?.int64Value else {
                throw APIError(.badRequest, "test", "order failed: \(String(buffer: r.body))")
            }
            return id
        }
    }

    func spin(
        _ client: some TestClientProtocol, _ token: String, order: Int64? = nil, grant: Int64? = nil, nonce: String = UUID().uuidString
    ) async throws -> (HTTPResponse.Status, String?) {
        var body: [String: String] = ["nonce": nonce]
        if let order { body["order_id"] = String(order) }
        if let grant { body["grant_id"] = String(grant) }
        let data = try JSONSerialization.data(withJSONObject: body.mapValues { v -> Any in Int(v) ?? v })
        return try await client.execute(uri: "/api/wheel/spins", method: .post, headers: auth(token), body: ByteBuffer(data: data)) { r in
            let obj = try? JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any]
            return (r.status, ((obj?["spin"] as? [String: Any])?["prize"] as? [String: Any])?["id"] as? String)
        }
    }

    @Test func twoHundredParallelSpinsAgainstAStockOfFiftyGiveExactlyFiftyPrizes() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let t = try await TestApp(db: try AppDatabase.open(directory: dir), loadDemoInvitees: true)
        var event = try #require(try await t.db.event())
        event.wheel.prizes = [.init(id: "a", name: "A", value: 100, stock: 30), .init(id: "b", name: "B", value: 50, stock: 20)]
        event.wheel.bonusSpinsPerGuest = 5  // 200 grants over 40 guests
        try await t.db.saveEvent(event)
        try await t.test { client in
            let admin = try await client.login("1234")
            try await t.checkIn(1...40)
            var grants: [Int64] = []
            for i in 0..<200 {
                let id = try await client.execute(
                    uri: "/api/wheel/grants", method: .post, headers: auth(admin),
                    body: ByteBuffer(string: #"{"invitee_id":\#(i % 40 + 1),"reason":"夺宝令牌"}"#)
                ) { r in
                    try grantID(r)
                }
                grants.append(id)
            }
            let results = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for g in grants { group.addTask { try await spin(client, admin, grant: g).0 } }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(results.filter { $0 == .created }.count == 50)
            #expect(results.filter { $0 == .conflict }.count == 150)
            try await client.execute(uri: "/api/wheel", method: .get) { r in
                let w = try decodeJSON(Wheel.self, r)
                #expect(w.spins == 50 && w.prizes.allSatisfy { $0.remaining == 0 })
            }
        }
    }

    @Test func anOrderSpinsOnceAVoidedOrderNeverAndTheNonceReplays() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            let o1 = try await order(client, admin, 1)
            let o2 = try await order(client, admin, 2)
            let nonce = UUID().uuidString
            let (s1, p1) = try await spin(client, admin, order: o1, nonce: nonce)
            let (s2, p2) = try await spin(client, admin, order: o1, nonce: nonce)
            #expect(s1 == .created && s2 == .created && p1 == p2)
            #expect(try await spin(client, admin, order: o1).0 == .conflict)
            try await client.execute(uri: "/api/orders/\(o2)/void", method: .post, headers: auth(admin), body: jsonBody(["reason": "退订"])) { _ in }
            #expect(try await spin(client, admin, order: o2).0 == .conflict)
            #expect(try await spin(client, admin, order: 999).0 == .notFound)
            let greeter = try await client.staffToken(admin: admin, role: .greeter, pin: "258025")
            #expect(try await spin(client, greeter, order: o1).0 == .forbidden)
        }
    }

    @Test func aRealDrawVerifiesAndATamperedOneDoesNot() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            for i in 1...12 { _ = try await order(client, admin, Int64(i)) }
            let created = try await client.execute(
                uri: "/api/draws", method: .post, headers: auth(admin),
                body: ByteBuffer(string: #"{"name":"港澳双人游","pool":"orders","winners":1,"alternates":2}"#)
            ) { r in
                #expect(r.status == .created)
                return try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as! [String: Any]
            }
            let id = created["id"] as! Int
            #expect((created["commitment"] as? String)?.count == 64)
            #expect(created["seed"] is NSNull)
            try await client.execute(uri: "/api/draws/\(id)/run", method: .post, headers: auth(admin), body: ByteBuffer(string: #"{"salt":"8848"}"#))
            { r in
                #expect(r.status == .conflict)  // not frozen yet
            }
            try await client.execute(uri: "/api/draws/\(id)/freeze", method: .post, headers: auth(admin)) { r in
                let d = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as! [String: Any]
                #expect(d["count"] as? Int == 12)
            }
            try await client.execute(uri: "/api/draws/\(id)/run", method: .post, headers: auth(admin), body: ByteBuffer(string: #"{"salt":"8848"}"#))
            { r in
                #expect(r.status == .ok)
            }
            try await client.execute(uri: "/api/draws/\(id)/run", method: .post, headers: auth(admin), body: ByteBuffer(string: #"{"salt":"1"}"#)) {
                r in
                #expect(r.status == .conflict)  // no "draw again"
            }
            let record = try await client.execute(uri: "/api/draws/\(id)", method: .get) { r in Data(buffer: r.body) }
            #expect(DrawVerifier.verify(fileData: record).ok)

            var obj = try JSONSerialization.jsonObject(with: record) as! [String: Any]
            func tampered(_ edit: (inout [String: Any]) -> Void) throws -> Bool {
                var copy = obj; edit(&copy)
                return DrawVerifier.verify(fileData: try JSONSerialization.data(withJSONObject: copy)).ok
            }
            #expect(try !tampered { $0["seed"] = String(repeating: "ab", count: 32) })
            #expect(try !tampered { $0["entrants"] = Array(($0["entrants"] as! [String]).dropLast()) + ["999"] })
            #expect(try !tampered { $0["winners"] = [($0["alternates"] as! [String])[0]] })
            #expect(try !tampered { $0["salt"] = "8849" })
            obj["name"] = "renamed"  // not part of the computation
            #expect(try tampered { _ in })
        }
    }

    @Test func closingTheDayRevealsTheWheelSeedAndStopsChanges() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            let o1 = try await order(client, admin, 1)
            _ = try await spin(client, admin, order: o1)
            try await client.execute(uri: "/api/wheel", method: .get) { r in
                let w = try decodeJSON(Wheel.self, r)
                #expect(w.seed == nil && w.spins == 1)
            }
            try await client.execute(uri: "/api/event/close", method: .post, headers: auth(admin)) { r in #expect(r.status == .ok) }
            try await client.execute(uri: "/api/wheel/record", method: .get) { r in
                #expect(DrawVerifier.verify(fileData: Data(buffer: r.body)).ok)
            }
            try await client.execute(
                uri: "/api/orders", method: .post, headers: auth(admin), body: ByteBuffer(string: #"{"invitee_id":2,"model":"408"}"#)
            ) { r in
                #expect(r.status == .conflict)
                #expect(errorCode(r) == "event_closed")
            }
            let guest = try await t.db.invitee(id: 3)
            try await client.execute(
                uri: "/api/checkins", method: .post, headers: auth(admin),
                body: jsonBody(["code": guest.code, "door": "正门", "nonce": UUID().uuidString])
            ) { r in #expect(r.status == .conflict) }
            try await client.execute(
                uri: "/api/draws", method: .post, headers: auth(admin),
                body: ByteBuffer(string: #"{"name":"x","pool":"orders"}"#)
            ) { r in #expect(r.status == .conflict) }
        }
    }

    @Test func theAuditChainCoversEveryChangeAndDetectsTampering() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            let guest = try await t.db.invitee(id: 1)
            try await client.execute(
                uri: "/api/checkins", method: .post, headers: auth(admin),
                body: jsonBody(["code": guest.code, "door": "正门", "nonce": UUID().uuidString])
            ) { _ in }
            let o = try await order(client, admin, 1)
            _ = try await spin(client, admin, order: o)
            try await client.execute(uri: "/api/orders/\(o)/void", method: .post, headers: auth(admin), body: jsonBody(["reason": "测试"])) { _ in }
        }
        var rows = try await t.db.auditRows()
        #expect(rows.count == 5)
        #expect(AuditLog.verify(rows).isEmpty)
        let kinds = rows.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.entry.utf8)) as? [String: Any])?["kind"] as? String }
        #expect(kinds == ["invitees_imported", "checkin", "order", "spin", "order_void"])  // imports are audited too (issue 15)
        // Edited content, a removed entry: both found.
        let edited = AuditLog.Row_(
            seq: rows[2].seq, entry: rows[2].entry.replacingOccurrences(of: "408", with: "508"), prevHash: rows[2].prevHash, hash: rows[2].hash)
        #expect(!AuditLog.verify([rows[0], rows[1], edited, rows[3], rows[4]]).isEmpty)
        rows.remove(at: 3)
        #expect(AuditLog.verify(rows).contains { $0.contains("missing") })
        // The database itself refuses edits.
        await #expect(throws: (any Error).self) {
            try await t.db.write { db in try db.execute(sql: "UPDATE audit SET entry = 'x' WHERE seq = 1") }
        }
    }
}
