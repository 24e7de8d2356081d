import Foundation
import Hummingbird
import HummingbirdTesting
import KioskFormats
import Logging
import Testing

@testable import EventKiosk
@testable import KioskHQ

/// Issue 25 and 26 end to end: two real kiosks (the kiosk's own router and store) enrol with a real `kiosk-hq` over
/// HTTP on a real PostgreSQL, save inspections in the workshop, and send their checkpoints and packs; the national
/// 汇总表 then counts what each dealer's workshop did, and the call centre gets its customers.
@Suite struct TwoKiosksEndToEndTests {
    /// A kiosk as `kiosk serve` builds it, over an in-memory day with the demo event and admin PIN 1234.
    struct Kiosk {
        let db: AppDatabase
        let app: Application<RouterResponder<AppRequestContext>>

        init() async throws {
            let root = HQTestApp.repoRoot
            db = try AppDatabase.inMemory()
            var config = AppConfig()
            config.adminPIN = "1234"
            config.kioskDir = root.appendingPathComponent("Kiosk")
            var event = try EventConfig.load(file: root.appendingPathComponent("Assets/demo-event.json"))
            event.inviteesFile = nil
            try await db.saveEvent(event)
            try await db.saveInspectionTemplate(try InspectionTemplate.load(file: root.appendingPathComponent("Assets/inspection-21.json")))
            _ = try await db.ensureAdmin(envPIN: "1234")
            app = Application(router: buildRouter(db: db, config: config).0, logger: TestPostgres.logger)
        }
    }

    nonisolated(unsafe) static let measured: [String: [String: Any]] = [
        "fault_codes": ["codes": 0], "brake_fluid": ["water": 0.5], "coolant": ["freeze": -40], "battery": ["voltage": 12.7],
        "tread_depth": ["fl": 6, "fr": 6, "rl": 5.5, "rr": 5.5], "tyre_pressure": ["spec": 2.5, "fl": 2.5, "fr": 2.4, "rl": 2.6, "rr": 2.5],
        "brake_pads": ["front": 9, "rear": 8], "brake_discs": ["front_min": 22, "front": 25],
    ]

    /// An all-green inspection whose customer consented to the manufacturer's call, with the gift and sticker.
    static func inspection(plate: String, phone: String) throws -> [String: Any] {
        let template = try InspectionTemplate.load(file: HQTestApp.repoRoot.appendingPathComponent("Assets/inspection-21.json"))
        let signature = "data:image/png;base64," + Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D]).base64EncodedString()
        return [
            "client_id": UUID().uuidString, "technician": "王师傅", "consent_hq_call": true, "gift": true, "sticker": true,
            "signature_png": signature, "customer": ["name": "张三", "phone": phone],
            "vehicle": ["plate": plate, "mileage_km": 36_500],
            "items": template.items.map { item in
                var o: [String: Any] = ["id": item.id, "status": "ok"]
                if let v = measured[item.id] { o["values"] = v }
                return o
            },
        ]
    }

    @Test func twoKiosksEnrolInspectAndSendAndTheNationalSummaryCountsThem() async throws {
        try await HQTestApp.run(.live) { hq, _ in
            let port = try #require(hq.port)
            let admin = try await hq.admin()
            var codes: [String: String] = [:]
            for (dealer, region) in [("XZ01", "华东"), ("JN01", "华东")] {
                let d = try await hq.call(
                    .post, "/api/dealers", token: admin, body: hq.json(["code": dealer, "name": "\(dealer) 4S店", "region": region]))
                codes[dealer] = try #require(d.json["enroll_code"] as? String)
            }
            let kiosks = [("XZ01", try await Kiosk(), 2), ("JN01", try await Kiosk(), 1)]
            for (dealer, kiosk, count) in kiosks {
                let code = codes[dealer]!
                try await kiosk.app.test(.router) { client in
                    let pin = try await client.call(.post, "/api/login", body: client.json(["pin": "1234"]))
                    let token = try #require(pin.json["token"] as? String)
                    // 厂家上报 → 登记, as the dealer's admin does it with the code the manufacturer mailed.
                    let enrol = try await client.call(
                        .post, "/api/hq/enroll", token: token, body: client.json(["hq_url": "http://127.0.0.1:\(port)", "code": code]))
                    #expect(enrol.status == .created, "\(enrol.text)")
                    #expect((enrol.json["enrolment"] as? [String: Any])?["dealer_code"] as? String == dealer)
                    let staff = try await client.call(
                        .post, "/api/staff", token: token, body: client.json(["name": "王师傅", "role": "technician", "pin": "567890"]))
                    #expect(staff.status == .created, "\(staff.text)")
                    let tech = try #require(try await client.call(.post, "/api/login", body: client.json(["pin": "567890"])).json["token"] as? String)
                    for i in 0..<count {
                        let body = try Self.inspection(plate: "苏C\(dealer.suffix(2))00\(i)", phone: "1390000\(dealer == "XZ01" ? 1 : 2)00\(i)")
                        let saved = try await client.call(
                            .post, "/api/inspections", token: tech, body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
                        #expect(saved.status == .created, "\(saved.text)")
                    }
                    // 立即上报: the checkpoint and the pack go over HTTP and are taken.
                    let sent = try await client.call(.post, "/api/hq/send", token: token)
                    #expect(sent.status == .ok && sent.json["waiting"] as? Int == 0, "\(sent.text)")
                    let items = sent.json["items"] as? [[String: Any]] ?? []
                    let pack = try #require(items.first { $0["kind"] as? String == "pack" })
                    #expect(pack["state"] as? String == "sent" && pack["last_status"] as? Int == 201, "\(pack)")
                    // 立即上报 again with nothing new: no second pack of the same log.
                    let again = try await client.call(.post, "/api/hq/send", token: token)
                    let packs = (again.json["items"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "pack" }
                    #expect(packs.count == 1, "\(again.text)")
                }
                #expect(try await kiosk.db.hqWaitingCount() == 0)
            }
            let summary = try await hq.call(.get, "/api/summary?week=\(Week.of(Date()))", token: admin)
            let rows = summary.json["dealers"] as? [[String: Any]] ?? []
            let byCode = Dictionary(uniqueKeysWithValues: rows.compactMap { r in (r["dealer_code"] as? String).map { ($0, r) } })
            #expect(byCode["XZ01"]?["inspections"] as? Int == 2, "\(summary.text)")
            #expect(byCode["JN01"]?["inspections"] as? Int == 1)
            // Every consenting customer is on the call centre's list: three tasks, then none.
            _ = try await hq.call(
                .post, "/api/users", token: admin, body: hq.json(["user": "agent9", "password": "agent-password-9", "role": "agent"]))
            let agent = try await hq.login("agent9", "agent-password-9")
            var phones: [String] = []
            while true {
                let next = try await hq.call(.post, "/api/calls/next", token: agent)
                guard next.status == .ok, let task = next.json["task"] as? [String: Any], let id = task["id"] else { break }
                phones.append(((task["customer"] as? [String: Any])?["phone"] as? String) ?? "")
                let answered = try await hq.call(
                    .post, "/api/calls/\(id)", token: agent, body: hq.json(["result": "confirmed", "followup_done": true]))
                #expect(answered.status == .ok, "\(answered.text)")
            }
            #expect(phones.sorted() == ["13900001000", "13900001001", "13900002000"])
        }
    }
}
