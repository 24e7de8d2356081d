import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EventKiosk

/// Before the day (issue 16): consultants record their calls, the board counts them, and the morning's reminders go
/// only to confirmed guests who have not come yet.
@Suite struct CampaignHTTPTests {
    struct Answer: Decodable {
        let contact: Contact; let invitee: Invitee; struct Contact: Decodable { let by: String; let outcome: String }
        struct Invitee: Decodable { let invitation: String }
    }
    struct Board: Decodable {
        let totals: Totals; let consultants: [Row]
        struct Totals: Decodable { let confirmed: Int; let arrived: Int; let orders: Int }
        struct Row: Decodable {
            let name: String; let target: Int; let invited: Int; let confirmed: Int; let declined: Int; let noAnswer: Int
            let arrived: Int; let boarded: Int; let orders: Int; let showRate: Double?; let missedTarget: Bool; let missing: Int; let post: String?
        }
    }
    struct Reminder: Decodable {
        let round: Int; let kind: String; let recipients: [Guest]; let doneBy: String?; struct Guest: Decodable { let name: String }
    }

    static let csv = """
        姓名,手机,销售顾问,人数
        客户甲,13900000001,李娜,2
        客户乙,13900000002,李娜,1
        客户丙,13900000003,李娜,2
        客户丁,13900000004,王强,2
        客户戊,13900000005,王强,1
        """

    func record(_ client: some TestClientProtocol, _ token: String, _ id: Int, _ outcome: String) async throws -> HTTPResponse.Status {
        try await client.execute(uri: "/api/invitees/\(id)/contacts", method: .post, headers: auth(token), body: jsonBody(["outcome": outcome])) {
            $0.status
        }
    }

    func setUp(_ client: some TestClientProtocol) async throws -> (admin: String, lina: String, wang: String) {
        let admin = try await client.login("1234")
        try await client.execute(uri: "/api/invitees/import", method: .post, headers: auth(admin), body: ByteBuffer(string: Self.csv)) { r in
            #expect(r.status == .ok)
        }
        let lina = try await client.staffToken(admin: admin, role: .sales, pin: "369036", name: "李娜")
        let wang = try await client.staffToken(admin: admin, role: .sales, pin: "369037", name: "王强")
        return (admin, lina, wang)
    }

    @Test func aConsultantRecordsCallsForTheirOwnGuestsOnly() async throws {
        let t = try await TestApp()
        try await t.test { client in
            let (_, lina, wang) = try await setUp(client)
            let answer = try await client.execute(
                uri: "/api/invitees/1/contacts", method: .post, headers: auth(lina),
                body: jsonBody(["outcome": "confirmed", "note": "周日带太太来"])
            ) { r in
                #expect(r.status == .created)
                return try decodeJSON(Answer.self, r)
            }
            #expect(answer.contact.by == "李娜" && answer.invitee.invitation == "confirmed")
            #expect(try await record(client, wang, 1, "declined") == .forbidden, "someone else's guest")
            #expect(try await record(client, lina, 1, "invited") == .created)
            let history = try await client.execute(uri: "/api/invitees/1/contacts", method: .get, headers: auth(lina)) { r in
                #expect(r.status == .ok)
                return try decodeJSON([Answer.Contact].self, r)
            }
            #expect(history.map(\.outcome) == ["invited", "confirmed"], "newest first")
            #expect(try await record(client, lina, 1, "confirmed") == .created)
            #expect(try await record(client, lina, 2, "maybe") == .unprocessableContent, "an unknown outcome")
            let invitee = try await client.execute(uri: "/api/invitees/1", method: .get, headers: auth(lina)) { String(buffer: $0.body) }
            #expect(invitee.contains(#""invitation":"confirmed""#))
            // Importing the list again keeps the statuses.
            let admin = try await client.login("1234")
            try await client.execute(uri: "/api/invitees/import", method: .post, headers: auth(admin), body: ByteBuffer(string: Self.csv)) { _ in }
            let again = try await client.execute(uri: "/api/invitees/1", method: .get, headers: auth(lina)) { String(buffer: $0.body) }
            #expect(again.contains(#""invitation":"confirmed""#))
            let mine = try await client.execute(uri: "/api/campaign/guests", method: .get, headers: auth(wang)) { String(buffer: $0.body) }
            #expect(mine.contains("客户丁") && !mine.contains("客户甲"), "a consultant's phone lists their own guests")
        }
    }

    @Test func theBoardCountsAScriptedWeekFromWednesdayToSunday() async throws {
        let t = try await TestApp()
        try await t.test { client in
            let (admin, lina, wang) = try await setUp(client)
            // Wednesday and Thursday: the calls.
            for (token, id, outcome) in [
                (lina, 1, "invited"), (lina, 2, "invited"), (lina, 3, "no_answer"), (wang, 4, "invited"), (wang, 5, "no_answer"),
            ] {
                #expect(try await record(client, token, id, outcome) == .created)
            }
            // Friday: the final list.
            for (token, id, outcome) in [(lina, 1, "confirmed"), (lina, 2, "confirmed"), (wang, 4, "confirmed"), (wang, 5, "declined")] {
                #expect(try await record(client, token, id, outcome) == .created)
            }
            try await client.execute(
                uri: "/api/campaign/posts", method: .put, headers: auth(admin), body: jsonBody(["name": "王强", "post": "showroom"])
            ) {
                #expect($0.status == .ok)
            }
            // Sunday morning: 客户乙 boards the bus (boarding is not arrival); then two confirmed guests come, one orders.
            let guests = try await t.db.allInvitees()
            let greeter = try await client.staffToken(admin: admin, role: .greeter, pin: "258026")
            try await client.execute(
                uri: "/api/checkins", method: .post, headers: auth(greeter),
                body: jsonBody(["code": guests.first { $0.id == 2 }!.code, "door": "1号车", "nonce": "bus-board-2"])
            ) { r in
                #expect(r.status == .created && String(buffer: r.body).contains(#""kind":"boarding""#))
            }
            try await client.execute(
                uri: "/api/checkins", method: .post, headers: auth(greeter),
                body: jsonBody(["code": guests.first { $0.id == 2 }!.code, "door": "1号车", "nonce": "bus-board-2b"])
            ) { r in
                #expect(r.status == .conflict && String(buffer: r.body).contains("already_boarded"))
            }
            let buses = try await client.execute(uri: "/api/buses", method: .get, headers: auth(greeter)) { String(buffer: $0.body) }
            #expect(buses.contains(#""boarded":1"#) && buses.contains("客户甲") && buses.contains("客户丁") && !buses.contains("客户乙"))
            for id in [1, 4] {
                let code = guests.first { $0.id == Int64(id) }!.code
                _ = try await t.db.checkIn(scanned: code, door: "正门", nonce: "sunday-\(id)", partySize: nil, staffID: nil)
            }
            try await client.execute(
                uri: "/api/orders", method: .post, headers: auth(lina), body: ByteBuffer(string: #"{"invitee_id":1,"model":"408"}"#)
            ) { _ in }
            let board = try await client.execute(uri: "/api/campaign", method: .get, headers: auth(admin)) { try decodeJSON(Board.self, $0) }
            let lin = try #require(board.consultants.first { $0.name == "李娜" }), wan = try #require(board.consultants.first { $0.name == "王强" })
            #expect(lin.invited == 3 && lin.confirmed == 2 && lin.noAnswer == 1 && lin.arrived == 1 && lin.orders == 1 && lin.showRate == 0.5)
            #expect(lin.boarded == 1)
            let status = try await client.execute(uri: "/api/checkins/status", method: .get) { String(buffer: $0.body) }
            #expect(status.contains(#""arrived":2"#), "boarding the bus is not arriving")
            #expect(!lin.missedTarget && lin.missing == 0)
            #expect(wan.invited == 2 && wan.confirmed == 1 && wan.declined == 1 && wan.arrived == 1 && wan.orders == 0 && wan.showRate == 1)
            #expect(wan.missedTarget && wan.missing == 1 && wan.post == "showroom")
            #expect(board.totals.confirmed == 3 && board.totals.arrived == 2 && board.totals.orders == 1)
            // The end-of-day report carries the funnel by consultant.
            let report = try await client.execute(uri: "/report", method: .get, headers: [.cookie: "kiosk_token=\(admin)"]) {
                String(buffer: $0.body)
            }
            #expect(report.contains("邀约漏斗 Invitation funnel") && report.contains("<td>李娜</td><td>3</td><td>2</td><td>1</td><td>1</td><td>50%</td>"))
            // The general manager's evening: who did not come (for tomorrow's calls), and orders per arrival.
            #expect(report.contains("未到场的邀约客户") && report.contains("<td>客户乙</td><td>13900000002</td><td>李娜</td>"))
            #expect(report.contains("每百组到场成交 Orders per 100 arrivals"))
            try await client.execute(
                uri: "/api/campaign", method: .get, headers: auth(try await client.staffToken(admin: admin, role: .greeter, pin: "258025"))
            ) {
                #expect($0.status == .forbidden)
            }
        }
    }

    @Test func reminderRecipientsShrinkAsConfirmedGuestsArrive() async throws {
        let t = try await TestApp()
        try await t.test { client in
            let (admin, lina, _) = try await setUp(client)
            for id in [1, 2, 3] { _ = try await record(client, lina, id, "confirmed") }
            func rounds(_ token: String) async throws -> [Reminder] {
                try await client.execute(uri: "/api/reminders", method: .get, headers: auth(token)) { try decodeJSON([Reminder].self, $0) }
            }
            #expect(try await rounds(lina).map(\.kind) == ["sms", "sms", "call", "call"])
            #expect(try await rounds(lina)[0].recipients.count == 3)
            let code = try await t.db.allInvitees().first { $0.id == 2 }!.code
            _ = try await t.db.checkIn(scanned: code, door: "正门", nonce: "arrived-2", partySize: nil, staffID: nil)
            #expect(try await rounds(lina)[2].recipients.map(\.name) == ["客户甲", "客户丙"], "the later rounds go only to who is still missing")
            let greeter = try await client.staffToken(admin: admin, role: .greeter, pin: "258026")
            let bus = try await t.db.allInvitees().first { $0.id == 3 }!.code
            try await client.execute(
                uri: "/api/checkins", method: .post, headers: auth(greeter),
                body: jsonBody(["code": bus, "door": "1号车", "nonce": "bus-board-3"])
            ) { #expect($0.status == .created) }
            #expect(try await rounds(lina)[3].recipients.map(\.name) == ["客户甲"], "nor to who is on the bus")
            try await client.execute(uri: "/api/reminders/2/done", method: .post, headers: auth(lina)) { #expect($0.status == .ok) }
            #expect(try await rounds(lina)[2].doneBy == "李娜")
            // Before the event day a round cannot be ticked (issue 24).
            var later = try #require(try await t.db.event())
            later.date = "2099-12-20"
            _ = try await t.db.updateEvent(later, staffID: nil)
            try await client.execute(uri: "/api/reminders/1/done", method: .post, headers: auth(lina)) { r in
                #expect(r.status == .conflict && String(buffer: r.body).contains("not_the_day"))
            }
            later.date = "2026-12-06"
            _ = try await t.db.updateEvent(later, staffID: nil)
            #expect(try await rounds(admin)[0].recipients.map(\.name) == ["客户甲"], "the admin sees everyone's who is still missing")
            try await client.execute(uri: "/api/reminders/2/sms.csv", method: .get, headers: auth(lina)) {
                #expect($0.status == .unprocessableContent)
            }
            let csv = try await client.execute(uri: "/api/reminders/0/sms.csv", method: .get, headers: auth(lina)) { r in
                #expect(r.status == .ok)
                return Data(buffer: r.body)
            }
            #expect(csv.starts(with: [0xEF, 0xBB, 0xBF]))
            let text = String(decoding: csv.dropFirst(3), as: UTF8.self)
            // Read at home: no dead link to the laptop (no public_url here), but the code and the phone's last digits.
            #expect(text.contains("客户甲") && text.contains("13900000001") && !text.contains("/c/") && !text.contains("客户乙"))
            #expect(text.contains("报手机尾号 0001") && !text.contains("localhost"))
        }
    }

    @Test func aReminderTimeThatIsNotHHMMIsRefusedNamingIt() throws {
        var event = try EventConfig.load(file: TestApp.repoRoot.appendingPathComponent("Assets/demo-event.json"))
        event.campaign?.reminders?[1].at = "8点半"
        event.campaign?.reminders?[2].kind = "fax"
        let problems = event.validate().map(\.field)
        #expect(problems.contains("campaign.reminders[1].at") && problems.contains("campaign.reminders[2].kind"))
    }

    @Test func aBusWithNoSeatsIsRefusedNamingIt() throws {
        var event = try EventConfig.load(file: TestApp.repoRoot.appendingPathComponent("Assets/demo-event.json"))
        event.buses?[0].seats = 0
        event.buses?[0].departs = "九点半"
        let problems = event.validate().map(\.field)
        #expect(problems.contains("buses[0].seats") && problems.contains("buses[0].departs"))
    }

    struct Ticketed: Decodable { let tickets: [Ticket]?; struct Ticket: Decodable { let draw: String; let number: Int } }

    @Test func guestsInADrawsPoolGetTicketsShownAtTheDoorOnTheirPageAndOnTheDraw() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        var event = try #require(try await t.db.event())
        event.draws.append(.init(name: "到场有礼", value: 300, pool: "checked_in", winners: 1, alternates: 1))
        _ = try await t.db.updateEvent(event, staffID: nil)
        let guests = try await t.db.allInvitees()
        try await t.test { client in
            let admin = try await client.login("1234")
            var numbers: [Int] = []
            for g in guests.prefix(3) {
                let answer = try await client.execute(
                    uri: "/api/checkins", method: .post, headers: auth(admin),
                    body: jsonBody(["code": g.code, "door": "正门", "nonce": "ticket-\(g.id)"])
                ) { try decodeJSON(Ticketed.self, $0) }
                numbers.append(try #require(answer.tickets?.first { $0.draw == "到场有礼" }).number)
            }
            #expect(numbers == [1, 2, 3])
            // A walk-in gets a ticket on the green screen too, and an undo names whose check-in it undid (issue 24).
            let greeter = try await client.staffToken(admin: admin, role: .greeter, pin: "24681359")
            struct WalkIn: Decodable { let checkin: Checkin; let tickets: [Ticketed.Ticket]?; struct Checkin: Decodable { let id: Int64 } }
            let walkIn = try await client.execute(
                uri: "/api/walkins", method: .post, headers: auth(greeter),
                body: jsonBody(["name": "王小明", "phone": "13912340077", "door": "正门", "nonce": "walkin-ticket-1"])
            ) { r in
                #expect(r.status == .created, "\(String(buffer: r.body))")
                return try decodeJSON(WalkIn.self, r)
            }
            #expect(walkIn.tickets?.first { $0.draw == "到场有礼" }?.number == 4)
            try await client.execute(uri: "/api/checkins/\(walkIn.checkin.id)", method: .delete, headers: auth(greeter)) { r in
                #expect(r.status == .ok && String(buffer: r.body).contains("王"), "\(String(buffer: r.body))")
            }
            let page = try await client.execute(uri: "/c/\(guests[1].code)", method: .get) { String(buffer: $0.body) }
            #expect(page.contains("到场有礼") && page.contains("№2"))
            let created = try await client.execute(uri: "/api/draws", method: .post, headers: auth(admin), body: jsonBody(["name": "到场有礼"])) {
                try JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as! [String: Any]
            }
            let id = created["id"] as! Int
            try await client.execute(uri: "/api/draws/\(id)/freeze", method: .post, headers: auth(admin)) { #expect($0.status == .ok) }
            let frozen = try await client.execute(uri: "/c/\(guests[1].code)", method: .get) { String(buffer: $0.body) }
            #expect(frozen.contains("您在已冻结的抽奖名单中") && frozen.contains("名单摘要"))
            let outside = try await client.execute(uri: "/c/\(guests[9].code)", method: .get) { String(buffer: $0.body) }
            #expect(outside.contains("不在抽奖名单中"))
            let done = try await client.execute(uri: "/api/draws/\(id)/run", method: .post, headers: auth(admin), body: jsonBody(["salt": "1"])) {
                try JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as! [String: Any]
            }
            let winner = (done["winners"] as! [String])[0]
            #expect((done["tickets"] as! [String: Int])[winner] != nil, "the draw screen shows the winning number")
            // The winner's own page says so and where to collect; a guest not in the list sees no ticket beside it.
            let code = try #require(guests.first { String($0.id) == winner }).code
            let won = try await client.execute(uri: "/c/\(code)", method: .get) { String(buffer: $0.body) }
            #expect(won.contains("恭喜您在「到场有礼」中奖") && won.contains("领奖台"))
            #expect(!outside.contains("抽奖券"))
        }
    }

    @Test func theBoardIsPureAndCountsOnlyInvitations() {
        let board = CampaignBoard.build(
            campaign: .init(parties: 4, people: 8, orders: 2, perConsultant: 2),
            guests: [
                .init(consultant: "甲", invitation: "confirmed", partySize: 2, arrived: true),
                .init(consultant: "甲", invitation: "not_contacted", partySize: 1, arrived: false),
                .init(consultant: "", invitation: "", partySize: 1, arrived: true, walkIn: true),
            ], orders: ["甲": 1], posts: [:], consultants: ["乙"])
        #expect(board.consultants.map(\.name) == ["乙", "甲"])
        #expect(board.consultants[1].invited == 1 && board.consultants[1].notContacted == 1 && board.consultants[1].missing == 1)
        #expect(board.consultants[0].missedTarget && board.totals.arrived == 2 && board.totals.invitations == 2)
    }
}
