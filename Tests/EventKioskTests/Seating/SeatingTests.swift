import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EventKiosk

/// The lunch tables (issue 28): a party kept together at a table with room, near its consultant's other guests; the
/// door is told when every table is full; an undo frees the seats; two doors at once never overfill a table.
@Suite struct SeatingTests {
    @Test func theChoiceKeepsAPartyTogetherNearItsConsultantThenFillsTablesInOrder() {
        let tables = [
            Seating.Load(name: "1号桌", seats: 10, taken: 8, byConsultant: ["甲": 3]),
            Seating.Load(name: "2号桌", seats: 10, taken: 2, byConsultant: ["乙": 1]),
            Seating.Load(name: "3号桌", seats: 10, taken: 0, byConsultant: [:]),
        ]
        #expect(Seating.choose(tables, party: 2, consultant: "甲") == "1号桌", "with the consultant's guests, where there is room")
        #expect(Seating.choose(tables, party: 3, consultant: "甲") == "2号桌", "kept together: 1号桌 has only 2 seats")
        #expect(Seating.choose(tables, party: 3, consultant: "丙") == "2号桌")
        #expect(Seating.choose(tables, party: 9, consultant: nil) == "3号桌")
        #expect(Seating.choose(tables, party: 11, consultant: nil) == nil)
    }

    static func app(tables: [EventConfig.LunchTable], guests: [(String, String, String, Int)]) async throws -> TestApp {
        let t = try await TestApp()
        var event = try #require(try await t.db.event())
        event.tables = tables
        _ = try await t.db.updateEvent(event, staffID: nil)
        let csv = "姓名,手机,销售顾问,人数\n" + guests.map { "\($0.0),\($0.1),\($0.2),\($0.3)" }.joined(separator: "\n") + "\n"
        _ = try await t.db.importInvitees(try InviteeImport(bytes: Array(csv.utf8)))
        return t
    }

    struct Answer: Decodable { let table: String?; let tableFull: Bool?; let checkin: Checkin?; struct Checkin: Decodable { let id: Int64 } }
    struct Tables: Decodable { let tables: [TableView] }

    @Test func theDoorGivesEachPartyATableSaysWhenAllAreFullAndAnUndoFreesTheSeats() async throws {
        let t = try await Self.app(
            tables: [.init(name: "1号桌", seats: 4), .init(name: "2号桌", seats: 4)],
            guests: [
                ("甲一", "13900000001", "甲", 3), ("乙一", "13900000002", "乙", 2), ("甲二", "13900000003", "甲", 1),
                ("乙二", "13900000004", "乙", 3),
            ])
        let guests = try await t.db.allInvitees()
        let codes = Dictionary(uniqueKeysWithValues: guests.map { ($0.name, $0.code) })
        let ids = Dictionary(uniqueKeysWithValues: guests.map { ($0.name, $0.id) })
        try await t.test { client in
            let admin = try await client.login(TestApp.adminPIN)
            func checkIn(_ name: String) async throws -> (String, Answer) {
                try await client.execute(
                    uri: "/api/checkins", method: .post, headers: auth(admin),
                    body: jsonBody(["code": codes[name]!, "door": "正门", "nonce": "seat-\(ids[name]!)-xxxx"])
                ) { r in
                    #expect(r.status == .created)
                    return (String(buffer: r.body), try decodeJSON(Answer.self, r))
                }
            }
            #expect(try await checkIn("甲一").1.table == "1号桌")
            #expect(try await checkIn("乙一").1.table == "2号桌", "a party of 2 does not fit the one seat left at 1号桌")
            #expect(try await checkIn("甲二").1.table == "1号桌", "with 甲's other guest")
            let (raw, full) = try await checkIn("乙二")
            #expect(full.table == nil && full.tableFull == true && raw.contains("\"table\":null"), "\(raw)")
            let tables = try await client.execute(uri: "/api/tables", method: .get, headers: auth(admin)) { try decodeJSON(Tables.self, $0) }.tables
            #expect(tables.map(\.taken) == [4, 2] && tables.allSatisfy { $0.taken <= $0.seats })
            // The admin moves the party left without a table to where it fits, and is told when it does not.
            try await client.execute(
                uri: "/api/tables/assignments/\(ids["甲二"]!)", method: .put, headers: auth(admin), body: jsonBody(["table": "2号桌"])
            ) {
                #expect($0.status == .ok)
            }
            try await client.execute(
                uri: "/api/tables/assignments/\(ids["乙二"]!)", method: .put, headers: auth(admin), body: jsonBody(["table": "2号桌"])
            ) {
                #expect($0.status == .conflict && String(buffer: $0.body).contains("table_full"))
            }
            // An undo frees the seats, where the party left without a table now fits; the wall shows each party's table.
            let first = try #require(try await t.db.recentCheckIns(limit: 10).first { $0.invitee.name == "甲一" }).checkin.id
            _ = try await t.db.undoCheckIn(id: first, staffID: nil, maxAge: nil)
            try await client.execute(
                uri: "/api/tables/assignments/\(ids["乙二"]!)", method: .put, headers: auth(admin), body: jsonBody(["table": "1号桌"])
            ) {
                #expect($0.status == .ok)
            }
            let after = try await t.db.tables()
            #expect(after.map(\.taken) == [3, 3])
            #expect(try await t.db.wall().arrived.first { $0.name == NameMask.mask("乙二") }?.table == "1号桌")
        }
    }

    @Test func twoDoorsAtOnceNeverPutMorePeopleAtATableThanItSeats() async throws {
        let guests = (0..<12).map { ("客\($0)", String(format: "139000001%02d", $0), "甲", 2) }
        let t = try await Self.app(tables: [.init(name: "1号桌", seats: 5), .init(name: "2号桌", seats: 5)], guests: guests)
        let all = try await t.db.allInvitees()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (n, g) in all.enumerated() {
                group.addTask {
                    let door = n % 2 == 0 ? "正门" : "侧门"
                    _ = try await t.db.checkIn(scanned: g.code, door: door, nonce: "race-\(n)-xx", partySize: nil, staffID: nil)
                }
            }
            try await group.waitForAll()
        }
        let tables = try await t.db.tables()
        #expect(tables.allSatisfy { $0.taken <= $0.seats }, "\(tables)")
        #expect(tables.map(\.taken) == [4, 4], "two parties of 2 each, the fifth seat too few for a party of 2")
        // A correction of the party size re-checks the seats: 3 at a table with 1 free seat moves to none.
        let seated = try #require(tables.first?.parties.first)
        let checkin = try #require(try await t.db.recentCheckIns(limit: 20).first { $0.invitee.id == seated.inviteeId }).checkin.id
        _ = try await t.db.correctPartySize(checkinID: checkin, to: 3, staffID: nil, maxAge: nil)
        #expect(try await t.db.table(inviteeID: seated.inviteeId) == "1号桌", "2 → 3 still fits its own table (4 − 2 + 3 = 5)")
        _ = try await t.db.correctPartySize(checkinID: checkin, to: 4, staffID: nil, maxAge: nil)
        #expect(try await t.db.table(inviteeID: seated.inviteeId) == nil, "4 fits no table now")
        #expect(try await t.db.tables().allSatisfy { $0.taken <= $0.seats })
    }
}
