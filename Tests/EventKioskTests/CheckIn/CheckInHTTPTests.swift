import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EventKiosk

@Suite struct CheckInHTTPTests {
    struct Answer: Decodable {
        let status: String
        let checkin: CheckIn?
        let invitee: Invitee?
        let firstAt: String?
        let door: String?
        struct CheckIn: Decodable { let id: Int64; let at: String; let door: String; let partySize: Int }
        struct Invitee: Decodable { let id: Int64; let name: String; let phone: String; let consultant: String?; let partySize: Int }
    }
    struct Status: Decodable { let invited: Int; let arrived: Int; let arrivedPeople: Int; let walkins: Int; let byDoor: [String: Int] }

    struct Scan: Encodable { let code: String; let door: String; let nonce: String; var partySize: Int? = nil }

    func scan(
        _ client: some TestClientProtocol, _ token: String, _ code: String, door: String = "正门",
        nonce: String = UUID().uuidString, partySize: Int? = nil
    ) async throws -> (HTTPResponse.Status, Answer?) {
        try await client.execute(
            uri: "/api/checkins", method: .post, headers: auth(token),
            body: jsonBody(Scan(code: code, door: door, nonce: nonce, partySize: partySize))
        ) { r in
            (r.status, try? decodeJSON(Answer.self, r))
        }
    }

    func status(_ client: some TestClientProtocol) async throws -> Status {
        try await client.execute(uri: "/api/checkins/status", method: .get) { r in try decodeJSON(Status.self, r) }
    }

    @Test func aFirstScanChecksInAndASecondIsAlreadyHereWithTimeAndDoor() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        let guest = try await t.db.invitee(id: 1)
        try await t.test { client in
            let admin = try await client.login("1234")
            let greeter = try await client.staffToken(admin: admin, role: .greeter, pin: "258025")
            let (s1, a1) = try await scan(client, greeter, guest.code, partySize: 3)
            #expect(s1 == .created)
            #expect(a1?.status == "ok")
            // A greeter sees the guest masked (issue 23, PIPL art. 51): 张*明, 138****5678, no code.
            #expect(a1?.invitee?.name == NameMask.mask(guest.name))
            #expect(a1?.invitee?.phone == PhoneNumber.mask(guest.phone))
            #expect(a1?.checkin?.partySize == 3)
            #expect(a1?.checkin?.door == "正门")

            let (s2, a2) = try await scan(client, greeter, guest.code, door: "侧门")
            #expect(s2 == .conflict)
            #expect(a2?.status == "already_checked_in")
            #expect(a2?.door == "正门")
            #expect(a2?.firstAt == a1?.checkin?.at)

            let st = try await status(client)
            #expect(st.invited == 40 && st.arrived == 1 && st.arrivedPeople == 3 && st.byDoor == ["正门": 1])
        }
    }

    @Test func theSameNonceGetsTheSameAnswerAndOneRow() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        let guest = try await t.db.invitee(id: 2)
        try await t.test { client in
            let admin = try await client.login("1234")
            let nonce = UUID().uuidString
            let (s1, a1) = try await scan(client, admin, guest.code, nonce: nonce)
            let (s2, a2) = try await scan(client, admin, guest.code, nonce: nonce)
            #expect(s1 == .created && s2 == .created)
            #expect(a1?.checkin?.id == a2?.checkin?.id && a1?.checkin?.at == a2?.checkin?.at)
            let rows = try await t.db.read { db in try CheckInRecord.fetchCount(db) }
            #expect(rows == 1)
        }
    }

    @Test func unknownRevokedAndInvalidCodesAnswerAndAreStoredAsFailedScans() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        let guest = try await t.db.invitee(id: 3)
        try await t.test { client in
            let admin = try await client.login("1234")
            let (s1, a1) = try await scan(client, admin, CheckInCode.generate())
            #expect(s1 == .notFound && a1?.status == "unknown")
            try await client.execute(uri: "/api/invitees/3/revoke", method: .post, headers: auth(admin)) { r in #expect(r.status == .ok) }
            let (s2, a2) = try await scan(client, admin, guest.code)
            #expect(s2 == .gone && a2?.status == "revoked")
            let (s3, a3) = try await scan(client, admin, "")
            #expect(s3 == .badRequest && a3?.status == "invalid")
            let failures = try await t.db.scanFailures(limit: 10)
            #expect(Set(failures.map(\.reason)) == ["unknown", "revoked", "invalid"])
            #expect(failures.allSatisfy { $0.door == "正门" })
            // A revoked invitation is no longer counted as invited.
            #expect(try await status(client).invited == 39)
        }
    }

    @Test func anyScannedTextGetsA4xxNeverA5xx() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            let texts = [
                "", " ", String(repeating: "Z", count: 20_000), "' OR 1=1; DROP TABLE invitee; --",
                "😀🎉🚗", "\u{0}\u{1}\u{2}", "http://evil.example/c/../../etc/passwd", "ABCDEFGHJKMNPQRSTVWX",
            ]
            for text in texts {
                let (s, a) = try await scan(client, admin, text)
                #expect(s == .badRequest || s == .notFound, "\(text.prefix(20)) → \(s)")
                #expect(a?.status == "invalid" || a?.status == "unknown")
            }
            var rng = SystemRandomNumberGenerator()
            for _ in 0..<20 {
                let bytes = (0..<Int.random(in: 1..<300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                try await client.execute(uri: "/api/checkins", method: .post, headers: auth(admin), body: ByteBuffer(bytes: bytes)) { r in
                    #expect(r.status == .badRequest)
                }
            }
            #expect(try await status(client).arrived == 0)
        }
    }

    @Test func twoDoorsScanningTheSameCodeTwentyTimesEachGetExactlyOneOK() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        // A real file database (WAL pool), as on the day.
        let t = try await TestApp(db: try AppDatabase.open(directory: dir), loadDemoInvitees: true)
        let guest = try await t.db.invitee(id: 4)
        try await t.test { client in
            let admin = try await client.login("1234")
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for i in 0..<40 {
                    group.addTask { try await scan(client, admin, guest.code, door: i % 2 == 0 ? "正门" : "侧门").0 }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 1)
            #expect(statuses.filter { $0 == .conflict }.count == 39)
            let st = try await status(client)
            #expect(st.arrived == 1 && st.byDoor.values.reduce(0, +) == 1)
            let rows = try await t.db.read { db in try CheckInRecord.fetchCount(db) }
            #expect(rows == 1)
        }
    }

    @Test func walkInsAreRegisteredAndCheckedInOnce() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            struct WalkIn: Encodable { let name: String; let phone: String; let door: String; let nonce: String; let partySize: Int }
            let body = WalkIn(name: "路人甲", phone: "137 0000 9999", door: "侧门", nonce: UUID().uuidString, partySize: 2)
            try await client.execute(uri: "/api/walkins", method: .post, headers: auth(admin), body: jsonBody(body)) { r in
                #expect(r.status == .created)
                let a = try decodeJSON(Answer.self, r)
                #expect(a.invitee?.name == "路人甲" && a.checkin?.partySize == 2)
            }
            let again = WalkIn(name: "路人甲", phone: "13700009999", door: "正门", nonce: UUID().uuidString, partySize: 1)
            try await client.execute(uri: "/api/walkins", method: .post, headers: auth(admin), body: jsonBody(again)) { r in
                #expect(r.status == .conflict)
            }
            let bad = WalkIn(name: "", phone: "123", door: "正门", nonce: UUID().uuidString, partySize: 1)
            try await client.execute(uri: "/api/walkins", method: .post, headers: auth(admin), body: jsonBody(bad)) { r in
                #expect(r.status == .unprocessableContent)
            }
            let st = try await status(client)
            #expect(st.invited == 40 && st.arrived == 1 && st.walkins == 1 && st.arrivedPeople == 2)
        }
    }

    @Test func aGreeterUndoesWithinFifteenMinutesAndAnAdminAnyTime() async throws {
        let clock = ManualClock()
        let t = try await TestApp(db: try AppDatabase.inMemory(clock: clock.clock), loadDemoInvitees: true)
        let a = try await t.db.invitee(id: 5), b = try await t.db.invitee(id: 6), c = try await t.db.invitee(id: 9)
        try await t.test { client in
            let admin = try await client.login("1234")
            let greeter = try await client.staffToken(admin: admin, role: .greeter, pin: "258025")
            let sales = try await client.staffToken(admin: admin, role: .sales, pin: "369036")
            let idA = try #require(try await scan(client, greeter, a.code).1?.checkin?.id)
            let idB = try #require(try await scan(client, greeter, b.code).1?.checkin?.id)
            try await client.execute(uri: "/api/checkins/\(idA)", method: .delete, headers: auth(sales)) { r in #expect(r.status == .forbidden) }
            try await client.execute(uri: "/api/checkins/\(idA)", method: .delete, headers: auth(greeter)) { r in #expect(r.status == .ok) }
            try await client.execute(uri: "/api/checkins/\(idA)", method: .delete, headers: auth(greeter)) { r in #expect(r.status == .conflict) }
            // Undone: the guest can be checked in again; the old rows stay.
            #expect(try await scan(client, greeter, a.code).0 == .created)

            clock.advance(by: 14 * 60)
            let idC = try #require(try await scan(client, greeter, c.code).1?.checkin?.id)
            clock.advance(by: 2 * 60)  // B is 16 minutes old now, C 2 minutes
            try await client.execute(uri: "/api/checkins/\(idC)", method: .delete, headers: auth(greeter)) { r in #expect(r.status == .ok) }
            try await client.execute(uri: "/api/checkins/\(idB)", method: .delete, headers: auth(greeter)) { r in
                #expect(r.status == .forbidden)
                #expect(errorCode(r) == "undo_window_passed")
            }
            try await client.execute(uri: "/api/checkins/\(idB)", method: .delete, headers: auth(admin)) { r in #expect(r.status == .ok) }
            let st = try await status(client)
            #expect(st.arrived == 1)
            let rows = try await t.db.read { db in try CheckInRecord.fetchCount(db) }
            #expect(rows == 4)
        }
    }

    @Test func thePartySizeIsCorrectedAfterTheScanAndTheCountsFollow() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        let a = try await t.db.invitee(id: 7), b = try await t.db.invitee(id: 8)
        try await t.test { client in
            let admin = try await client.login("1234")
            let greeter = try await client.staffToken(admin: admin, role: .greeter, pin: "258025")
            let sales = try await client.staffToken(admin: admin, role: .sales, pin: "369036")
            func fix(_ id: Int64, _ body: String, _ token: String) async throws -> (HTTPResponse.Status, String) {
                try await client.execute(uri: "/api/checkins/\(id)", method: .patch, headers: auth(token), body: ByteBuffer(string: body)) {
                    ($0.status, String(buffer: $0.body))
                }
            }
            let idA = try #require(try await scan(client, greeter, a.code, partySize: 1).1?.checkin?.id)
            let idB = try #require(try await scan(client, greeter, b.code, door: "侧门", partySize: 2).1?.checkin?.id)
            let (s1, b1) = try await fix(idA, #"{"party_size":4}"#, greeter)
            #expect(s1 == .ok && b1.contains(#""party_size":4"#) && b1.contains(#""arrived_people":6"#), "\(b1)")
            #expect(try await status(client).arrivedPeople == 6)
            #expect(try await fix(idA, #"{"party_size":0}"#, greeter).0 == .unprocessableContent)
            #expect(try await fix(idA, #"{"party_size":21}"#, greeter).0 == .unprocessableContent)
            #expect(try await fix(idA, #"{}"#, greeter).0 == .unprocessableContent)
            #expect(try await fix(idA, #"{"party_size":3}"#, sales).0 == .forbidden)
            #expect(try await fix(999, #"{"party_size":3}"#, greeter).0 == .notFound)
            // An undone check-in is not corrected, and its people stay out of the counts.
            try await client.execute(uri: "/api/checkins/\(idB)", method: .delete, headers: auth(greeter)) { r in #expect(r.status == .ok) }
            let (s2, b2) = try await fix(idB, #"{"party_size":5}"#, greeter)
            #expect(s2 == .conflict && b2.contains("already_undone"))
            let (kept, counted) = try await t.db.read { db in (try AppDatabase.arrivalStatus(db), try AppDatabase.countedArrivalStatus(db)) }
            #expect(kept == counted && kept.arrivedPeople == 4, "the counters agree with a full count")
            let audit = try await t.db.read { db in try String.fetchAll(db, sql: "SELECT entry FROM audit") }
            #expect(audit.contains { $0.contains("checkin_party_size") && $0.contains(#""before":1"#) && $0.contains(#""after":4"#) })
        }
    }

    @Test func doorsAndNoncesAreChecked() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        let guest = try await t.db.invitee(id: 7)
        try await t.test { client in
            let admin = try await client.login("1234")
            #expect(try await scan(client, admin, guest.code, door: "后门").0 == .unprocessableContent)
            #expect(try await scan(client, admin, guest.code, nonce: "x").0 == .badRequest)
            #expect(try await scan(client, admin, guest.code, partySize: 0).0 == .unprocessableContent)
            #expect(try await status(client).arrived == 0)
        }
    }
}

@Suite struct LiveFeedTests {
    @Test func subscribersGetEventsInOrderAndResumeAfterTheLastID() async throws {
        let feed = LiveFeed(historyLimit: 3)
        await feed.publish("a", ["n": 1])
        await feed.publish("b", ["n": 2])
        let (_, stream, latest) = await feed.subscribe(after: nil)
        await feed.publish("c", ["n": 3])
        var it = stream.makeAsyncIterator()
        guard case .event(let e)? = await it.next() else { Issue.record("no event"); return }
        #expect(e.type == "c" && e.id == latest + 1)

        let resumed = await feed.subscribe(after: latest - 1)
        #expect(resumed.missed?.map(\.type) == ["b", "c"])
        // Too far back: history no longer holds it, so the caller must send a fresh snapshot.
        await feed.publish("d", ["n": 4])
        await feed.publish("e", ["n": 5])
        let gap = await feed.subscribe(after: latest - 1)
        #expect(gap.missed == nil)
    }

    @Test func finishingEndsEveryStream() async {
        let feed = LiveFeed()
        let (_, stream, _) = await feed.subscribe(after: nil)
        await feed.finishAll()
        var count = 0
        for await _ in stream { count += 1 }
        #expect(count == 0)
    }
}
