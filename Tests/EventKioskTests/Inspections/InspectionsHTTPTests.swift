import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EventKiosk

@Suite struct InspectionsHTTPTests {
    typealias F = InspectionFixture

    struct Stored: Decodable { let inspection: Inspection; let replayed: Bool }
    struct Inspection: Decodable {
        let id: Int64; let redCount: Int; let yellowCount: Int; let signed: Bool; let customerName: String?; let plate: String?
        let items: [Item]
    }
    struct Item: Decodable { let id: String; let status: String; let colours: [String: String] }
    struct Refusal: Decodable { let error: String; let problems: [Problem] }
    struct Problem: Decodable { let item: String?; let message: String }
    struct FollowUp: Decodable {
        let id: Int64; let inspectionId: Int64; let name: String?; let phone: String?; let due: Date
        let urgentItems: [String]; let attempts: Int; let outcome: String?; let nextStep: String
    }

    /// A submission with one urgent item (front pads at 2.5 mm), signed.
    static func urgentBody(clientID: String = UUID().uuidString, plate: String = "苏A12345") -> JSONValue {
        F.body(clientID: clientID, plate: plate, signature: F.signature) { items in
            F.setValue(&items, "brake_pads", "front", .double(2.5))
            F.set(&items, "brake_pads", "advice", .string("立即更换"))
            F.set(&items, "brake_pads", "photo", .string(F.photo))
            F.setValue(&items, "battery", "voltage", .double(12.4))
            F.set(&items, "battery", "advice", .string("蓄电池充电"))
        }
    }

    func submit(_ client: some TestClientProtocol, _ token: String, _ body: JSONValue) async throws -> (HTTPResponse.Status, Stored?) {
        try await client.execute(uri: "/api/inspections", method: .post, headers: auth(token), body: jsonBody(body)) { r in
            (r.status, r.status.code < 300 ? try decodeJSON(Stored.self, r) : nil)
        }
    }

    @Test func theTemplateIsServedToStaffOnly() async throws {
        let t = try await TestApp()
        try await t.test { client in
            try await client.execute(uri: "/api/inspection/template", method: .get) { r in #expect(r.status == .unauthorized) }
            let tech = try await client.staffToken(admin: try await client.login("1234"), role: .technician, pin: "555555")
            try await client.execute(uri: "/api/inspection/template", method: .get, headers: auth(tech)) { r in
                let obj = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as! [String: Any]
                let items = obj["items"] as! [[String: Any]]
                #expect(items.count == 21)
                let tread = items.first { $0["id"] as? String == "tread_depth" }!
                #expect(tread["no"] as? Int == 16 && tread["name"] as? String == "轮胎花纹深度")
                let fl = (tread["values"] as! [[String: Any]]).first!
                #expect(fl["key"] as? String == "fl" && fl["unit"] as? String == "mm" && fl["min"] as? Double == 0 && fl["max"] as? Double == 20)
                #expect((items.first { $0["id"] as? String == "horn" }!["values"] as! [Any]).isEmpty)
            }
        }
    }

    @Test func anInspectionIsStoredOnceWhateverTheRetries() async throws {
        let t = try await TestApp()
        try await t.test { client in
            let tech = try await client.staffToken(admin: try await client.login("1234"), role: .technician, pin: "555555", name: "王师傅")
            let body = Self.urgentBody(clientID: "3f6c8a1e-0000-4000-8000-000000000001")
            let (s1, first) = try await submit(client, tech, body)
            #expect(s1 == .created)
            let stored = try #require(first).inspection
            #expect(stored.redCount == 1 && stored.yellowCount == 1 && stored.signed && stored.customerName == "张三" && stored.plate == "苏A12345")
            #expect(stored.items.first { $0.id == "brake_pads" }?.colours["front"] == "red")
            let (s2, again) = try await submit(client, tech, body)
            #expect(s2 == .ok && again?.replayed == true && again?.inspection.id == stored.id)
            #expect(try await t.db.inspections().count == 1)
            #expect(try await t.db.followUps().count == 1)
            // The photo is stored with its item.
            try await client.execute(uri: "/api/inspections/\(stored.id)/photos/brake_pads", method: .get, headers: auth(tech)) { r in
                #expect(r.status == .ok && r.headers[.contentType] == "image/jpeg")
            }
            try await client.execute(uri: "/api/inspections/\(stored.id)/photos/horn", method: .get, headers: auth(tech)) { r in
                #expect(r.status == .notFound)
            }
        }
    }

    @Test func concurrentRetriesOfOneClientIDStillMakeOneInspection() async throws {
        let t = try await TestApp()
        let body = Self.urgentBody()
        let check = try #require(try? F.check(body).get())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<10 { group.addTask { _ = try await t.db.saveInspection(check, staffID: nil) } }
            try await group.waitForAll()
        }
        #expect(try await t.db.inspections().count == 1)
    }

    @Test func aRefusalIs422AndListsEveryProblem() async throws {
        let t = try await TestApp()
        try await t.test { client in
            let tech = try await client.staffToken(admin: try await client.login("1234"), role: .technician, pin: "555555")
            let body = F.body { items in
                items["horn"] = nil
                F.setValue(&items, "tread_depth", "fl", .string("abc"))
                F.setValue(&items, "brake_pads", "front", .double(2.0))
            }
            try await client.execute(uri: "/api/inspections", method: .post, headers: auth(tech), body: jsonBody(body)) { r in
                #expect(r.status == .unprocessableContent)
                let refusal = try decodeJSON(Refusal.self, r)
                #expect(refusal.error == "invalid_inspection")
                #expect(refusal.problems.map(\.item) == ["horn", "tread_depth", "brake_pads", nil])
            }
            try await client.execute(uri: "/api/inspections", method: .post, headers: auth(tech), body: ByteBuffer(string: "{not json")) { r in
                #expect(r.status == .badRequest)
            }
            #expect(try await t.db.inspections().isEmpty)
            let greeter = try await client.staffToken(admin: try await client.login("1234"), role: .greeter, pin: "666666")
            try await client.execute(uri: "/api/inspections", method: .post, headers: auth(greeter), body: jsonBody(Self.urgentBody())) { r in
                #expect(r.status == .forbidden)
            }
        }
    }

    @Test func startingFromACheckedInGuestTakesTheirNameAndPhone() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        let guest = try await t.db.invitee(id: 3)
        try await t.test { client in
            let tech = try await client.staffToken(admin: try await client.login("1234"), role: .technician, pin: "555555")
            var body = F.body(plate: nil, inviteeID: guest.id)
            if case .object(var o) = body { o["customer"] = nil; body = .object(o) }
            let (status, stored) = try await submit(client, tech, body)
            #expect(status == .created)
            #expect(stored?.inspection.customerName == guest.name && stored?.inspection.plate == guest.plate)
            let (missing, _) = try await submit(client, tech, F.body(plate: nil, inviteeID: 99_999))
            #expect(missing == .unprocessableContent)
        }
    }

    @Test func theReportHasThreeCopiesWithValuesAdviceAndSignature() async throws {
        let t = try await TestApp()
        try await t.test { client in
            let tech = try await client.staffToken(admin: try await client.login("1234"), role: .technician, pin: "555555", name: "王师傅")
            let (_, first) = try await submit(client, tech, F.body(plate: "苏A12345"))
            let (_, second) = try await submit(client, tech, Self.urgentBody(plate: "苏A12345"))
            let id = try #require(second).inspection.id
            try await client.execute(uri: "/inspections/\(id)/report", method: .get, headers: auth(tech)) { r in
                #expect(r.status == .ok)
                let html = String(buffer: r.body)
                for copy in ["第一联 信息反馈联", "第二联 特约店留存联", "第三联 客户联"] { #expect(html.contains(copy)) }
                #expect(html.components(separatedBy: "<section class=\"copy\">").count == 4)
                #expect(html.components(separatedBy: "立即更换").count - 1 >= 3)
                #expect(html.contains("<b>2.5</b> mm") && html.contains("(上次 9)"))
                #expect(html.components(separatedBy: "data:image/png;base64,").count == 4)
                #expect(html.contains("王师傅") && html.contains("张三"))
                #expect(html.contains("/api/inspections/\(id)/photos/brake_pads"))
            }
            try await client.execute(uri: "/inspections/\(id)/report", method: .get) { r in
                #expect(r.status == .seeOther && r.headers[.location] == "/?next=/inspections/\(id)/report")
            }
            try await client.execute(uri: "/inspections/999/report", method: .get, headers: auth(tech)) { r in #expect(r.status == .notFound) }
            // The same plate shows the last visit's values.
            try await client.execute(uri: "/api/inspections/previous?plate=%E8%8B%8FA12345", method: .get, headers: auth(tech)) { r in
                struct Found: Decodable { let inspection: Inspection? }
                let found = try decodeJSON(Found.self, r)
                #expect(found.inspection?.id == id)
            }
            #expect(first?.inspection.id != id)
        }
    }

    @Test func theSummaryTableFollowsTheManufacturersColumns() async throws {
        let t = try await TestApp()
        try await t.test { client in
            let tech = try await client.staffToken(admin: try await client.login("1234"), role: .technician, pin: "555555", name: "王师傅")
            _ = try await submit(client, tech, Self.urgentBody())
            _ = try await submit(client, tech, F.body(plate: "苏B88888"))
            try await client.execute(uri: "/api/inspections/export.csv", method: .get, headers: auth(tech)) { r in
                #expect(r.status == .ok)
                let bytes = [UInt8](Data(buffer: r.body))
                #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
                let lines = String(decoding: bytes.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
                #expect(lines.count == 3)
                #expect(lines[0].hasPrefix("检查日期,客户姓名,联系电话,车牌号,车架号(VIN),行驶里程(km),检查技师,建议项数(黄),紧急项数(红),紧急项目,客户签字"))
                #expect(lines[1].contains(",张三,13800138000,苏A12345,,36500,王师傅,1,1,制动片,已签字,"))
                #expect(lines[2].contains("苏B88888") && lines[2].contains(",0,0,,未签字,"))
            }
            try await client.execute(uri: "/api/inspections/export.csv?by=technician", method: .get, headers: auth(tech)) { r in
                #expect(String(buffer: r.body).contains("王师傅,2,1"))
            }
        }
    }

    @Test func followUpsAreDueInAWeekUrgentFirstAndRecordEachCall() async throws {
        let t = try await TestApp()
        try await t.test { client in
            let tech = try await client.staffToken(admin: try await client.login("1234"), role: .technician, pin: "555555")
            _ = try await submit(client, tech, F.body(plate: "苏B88888"))
            let (_, urgent) = try await submit(client, tech, Self.urgentBody())
            let before = Date()
            let list = try await client.execute(uri: "/api/followups", method: .get, headers: auth(tech)) { r in
                try decodeJSON([FollowUp].self, r)
            }
            #expect(list.count == 2)
            let first = list[0]
            #expect(first.inspectionId == urgent?.inspection.id && first.urgentItems == ["制动片"] && first.nextStep == "call")
            #expect(abs(first.due.timeIntervalSince(before) - 7 * 86_400) < 60)
            func patch(_ body: String) async throws -> (HTTPResponse.Status, FollowUp?) {
                try await client.execute(uri: "/api/followups/\(first.id)", method: .patch, headers: auth(tech), body: ByteBuffer(string: body)) {
                    r in
                    (r.status, r.status == .ok ? try decodeJSON(FollowUp.self, r) : nil)
                }
            }
            #expect(try await patch(#"{"outcome":"sms_sent"}"#).0 == .unprocessableContent)  // call three times first
            for n in 1...3 {
                let (s, f) = try await patch(#"{"outcome":"no_answer","note":"第\#(n)次"}"#)
                #expect(s == .ok && f?.attempts == n)
                #expect(f?.nextStep == (n < 3 ? "call" : "sms"))
            }
            let (s, done) = try await patch(#"{"outcome":"sms_sent","note":"已发短信提醒"}"#)
            #expect(s == .ok && done?.nextStep == "done")
            #expect(try await patch(#"{"outcome":"reached"}"#).0 == .conflict)
            #expect(try await patch(#"{"outcome":"maybe"}"#).0 == .unprocessableContent)
            try await client.execute(
                uri: "/api/followups/999", method: .patch, headers: auth(tech), body: ByteBuffer(string: #"{"outcome":"reached"}"#)
            ) { r in
                #expect(r.status == .notFound)
            }
            try await client.execute(uri: "/api/followups/export.csv", method: .get, headers: auth(tech)) { r in
                let text = String(buffer: r.body)
                #expect(text.contains("无人接听") && text.contains("已发短信提醒") && text.contains("已完成") && text.contains("待回访"))
            }
        }
    }
}
