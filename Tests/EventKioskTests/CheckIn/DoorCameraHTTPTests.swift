import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EventKiosk

/// The door on tablets and phones: photos and camera frames decoded on the laptop, the offline roster, and scans
/// that waited on a tablet (`scanned_at`, renamed doors).
@Suite struct DoorCameraHTTPTests {
    struct Answer: Decodable {
        let status: String?
        let error: String?
        let checkin: CheckIn?
        struct CheckIn: Decodable { let id: Int64; let at: Date; let door: String; let partySize: Int }
    }
    struct Texts: Decodable { let texts: [String] }

    func postImage(
        _ client: some TestClientProtocol, _ token: String, _ image: Data, query: String,
        type: String = "image/png"
    ) async throws -> (HTTPResponse.Status, Answer?) {
        var headers = auth(token)
        headers[.contentType] = type
        return try await client.execute(
            uri: "/api/checkins/image?\(query)", method: .post, headers: headers,
            body: ByteBuffer(data: image)
        ) { r in (r.status, try? decodeJSON(Answer.self, r)) }
    }

    static let door = "%E6%AD%A3%E9%97%A8"  // 正门

    @Test func aPhotoOfAnInvitationChecksTheGuestInOnceAndTheSameNonceReplays() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        let guest = try await t.db.invitee(id: 4)
        let photo = try TestImages.codes(["http://192.168.1.20:8080/c/\(guest.code)"])
        try await t.test { client in
            let greeter = try await client.staffToken(admin: try await client.login("1234"), role: .greeter, pin: "258025")
            let (s1, a1) = try await postImage(client, greeter, photo, query: "door=\(Self.door)&nonce=photo-nonce-1&party_size=3")
            #expect(s1 == .created && a1?.status == "ok" && a1?.checkin?.partySize == 3 && a1?.checkin?.door == "正门")
            let (s2, a2) = try await postImage(client, greeter, photo, query: "door=\(Self.door)&nonce=photo-nonce-1")
            #expect(s2 == .created && a2?.checkin?.id == a1?.checkin?.id)
            let (s3, a3) = try await postImage(client, greeter, photo, query: "door=\(Self.door)&nonce=photo-nonce-2")
            #expect(s3 == .conflict && a3?.status == "already_checked_in")
        }
    }

    @Test func badPicturesGetClearAnswersAndNeverA5xx() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        let (a, b) = (try await t.db.invitee(id: 1), try await t.db.invitee(id: 2))
        try await t.test { client in
            let greeter = try await client.staffToken(admin: try await client.login("1234"), role: .greeter, pin: "258025")
            let q = { (n: Int) in "door=\(Self.door)&nonce=bad-picture-\(n)" }
            var (s, r) = try await postImage(client, greeter, Data("not a picture at all".utf8), query: q(1))
            #expect(s == .unsupportedMediaType && r?.error == "not_an_image")
            (s, r) = try await postImage(client, greeter, try TestImages.codes([a.code]), query: q(2), type: "text/plain")
            #expect(s == .unsupportedMediaType)
            var cut = try TestImages.codes([a.code]); cut.removeLast(cut.count / 2)
            (s, r) = try await postImage(client, greeter, cut, query: q(3))
            #expect(s == .unsupportedMediaType || s == .unprocessableContent, "a cut-off PNG: \(s)")
            (s, r) = try await postImage(client, greeter, TestImages.blank(), query: q(4))
            #expect(s == .unprocessableContent && r?.error == "no_code")
            (s, r) = try await postImage(client, greeter, try TestImages.codes([a.code, b.code]), query: q(5))
            #expect(s == .unprocessableContent && r?.error == "several_codes")
            (s, r) = try await postImage(client, greeter, try TestImages.codes(["0123456789ABCDEFGHJK"]), query: q(6))
            #expect(s == .notFound && r?.status == "unknown", "a well-formed code of another event is unknown here")
            (s, r) = try await postImage(client, greeter, try TestImages.codes(["https://example.com/menu"]), query: q(7))
            #expect(s == .badRequest && r?.status == "invalid")
            (s, r) = try await postImage(client, greeter, TestImages.png(width: 8_000, height: 7_000) { _, _ in false }, query: q(8))
            #expect(s == .contentTooLarge, "56 megapixels is refused before decoding")
            (s, r) = try await postImage(client, greeter, Data(repeating: 0xFF, count: 9 * 1_048_576), query: q(9), type: "image/jpeg")
            #expect(s == .contentTooLarge)
            (s, r) = try await postImage(client, greeter, try TestImages.codes([a.code]), query: "door=\(Self.door)")
            #expect(s == .badRequest, "no nonce")
            (s, r) = try await postImage(
                client, greeter, try TestImages.codes([a.code]), query: "door=\(Self.door)&nonce=bad-picture-10&party_size=x")
            #expect(s == .unprocessableContent)
            let arrived = try await client.execute(uri: "/api/checkins/status", method: .get) { try decodeJSON(Status.self, $0) }
            #expect(arrived.arrived == 0)
        }
    }

    struct Status: Decodable { let arrived: Int; let byDoor: [String: Int] }

    @Test func anyStaffMayDecodeAndEveryCodeInThePictureIsListed() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let tech = try await client.staffToken(admin: try await client.login("1234"), role: .technician, pin: "369036")
            var headers = auth(tech)
            headers[.contentType] = "image/png"
            let texts = try await client.execute(
                uri: "/api/qr/decode", method: .post, headers: headers,
                body: ByteBuffer(data: try TestImages.codes(["LFV2A21K6G3041234", "第二张"]))
            ) { r in
                #expect(r.status == .ok)
                return try decodeJSON(Texts.self, r).texts
            }
            #expect(Set(texts) == ["LFV2A21K6G3041234", "第二张"])
            let none = try await client.execute(uri: "/api/qr/decode", method: .post, headers: headers, body: ByteBuffer(data: TestImages.blank())) {
                try decodeJSON(Texts.self, $0).texts
            }
            #expect(none.isEmpty)
            try await client.execute(uri: "/api/qr/decode", method: .post, body: ByteBuffer(data: TestImages.blank())) { r in
                #expect(r.status == .unauthorized)
            }
        }
    }

    struct Roster: Decodable {
        let version: Int64
        let entries: [Entry]
        struct Entry: Decodable {
            let id: Int64; let codeSha256: String; let name: String; let partySize: Int; let checkedInAt: Date?; let status: String
        }
    }

    @Test func theRosterHoldsHashedCodesAndMaskedNamesAndFollowsCheckIns() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        let guest = try await t.db.invitee(id: 5)
        try await t.test { client in
            let greeter = try await client.staffToken(admin: try await client.login("1234"), role: .greeter, pin: "258025")
            let (before, raw) = try await client.execute(uri: "/api/checkins/roster", method: .get, headers: auth(greeter)) { r in
                (try decodeJSON(Roster.self, r), String(buffer: r.body))
            }
            #expect(before.entries.count == 40)
            let entry = try #require(before.entries.first { $0.id == guest.id })
            #expect(entry.codeSha256 == SHA256.hash(data: Data(guest.code.utf8)).map { String(format: "%02x", $0) }.joined())
            #expect(entry.name == NameMask.mask(guest.name) && entry.checkedInAt == nil)
            #expect(!raw.contains(guest.code) && !raw.contains(guest.phone) && !raw.contains(guest.name))
            #expect(raw.contains("\"checked_in_at\":null"))
            _ = try await t.db.checkIn(scanned: guest.code, door: "正门", nonce: "roster-checkin", partySize: nil, staffID: nil)
            let after = try await client.execute(uri: "/api/checkins/roster", method: .get, headers: auth(greeter)) {
                try decodeJSON(Roster.self, $0)
            }
            #expect(after.version != before.version)
            #expect(after.entries.first { $0.id == guest.id }?.checkedInAt != nil)
            try await client.execute(uri: "/api/checkins/roster", method: .get) { #expect($0.status == .unauthorized) }
        }
    }

    struct QueuedScan: Encodable { let code: String; let door: String; let nonce: String; let scannedAt: String }

    @Test func aScanThatWaitedKeepsItsTimeAndARenamedDoorIsNotLost() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        let (a, b) = (try await t.db.invitee(id: 6), try await t.db.invitee(id: 7))
        let tenMinutesAgo = Date().addingTimeInterval(-600)
        let stamps = [tenMinutesAgo, Date()].map { d in
            let f = ISO8601DateFormatter(); f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]; return f.string(from: d)
        }
        try await t.test { client in
            let greeter = try await client.staffToken(admin: try await client.login("1234"), role: .greeter, pin: "258025")
            func send(_ scan: QueuedScan) async throws -> (HTTPResponse.Status, Answer?) {
                try await client.execute(uri: "/api/checkins", method: .post, headers: auth(greeter), body: jsonBody(scan)) { r in
                    (r.status, try? decodeJSON(Answer.self, r))
                }
            }
            let (s1, a1) = try await send(QueuedScan(code: a.code, door: "正门", nonce: "queued-scan-1", scannedAt: stamps[0]))
            #expect(s1 == .created)
            #expect(abs((a1?.checkin?.at ?? Date()).timeIntervalSince(tenMinutesAgo)) < 1)
            // The door was called 北门 on the tablet when the scan was made; the admin has renamed it since.
            let (s2, a2) = try await send(QueuedScan(code: b.code, door: "北门", nonce: "queued-scan-2", scannedAt: stamps[1]))
            #expect(s2 == .created && a2?.checkin?.door == "北门")
            let (s3, _) = try await send(QueuedScan(code: b.code, door: "正门", nonce: "queued-scan-3", scannedAt: "2099-01-01T00:00:00Z"))
            #expect(s3 == .unprocessableContent)
            let (s4, _) = try await send(QueuedScan(code: b.code, door: "正门", nonce: "queued-scan-4", scannedAt: "2020-01-01T00:00:00Z"))
            #expect(s4 == .unprocessableContent)
            let (s5, _) = try await send(QueuedScan(code: b.code, door: "正门", nonce: "queued-scan-5", scannedAt: "yesterday"))
            #expect(s5 == .unprocessableContent)
            let st = try await client.execute(uri: "/api/checkins/status", method: .get) { try decodeJSON(Status.self, $0) }
            #expect(st.arrived == 2 && st.byDoor == ["正门": 1, "北门": 1])
        }
    }

    @Test func aFreshScanAtAnUnknownDoorIsStillRefused() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        let guest = try await t.db.invitee(id: 8)
        try await t.test { client in
            let greeter = try await client.staffToken(admin: try await client.login("1234"), role: .greeter, pin: "258025")
            try await client.execute(
                uri: "/api/checkins", method: .post, headers: auth(greeter),
                body: jsonBody(["code": guest.code, "door": "后门", "nonce": "fresh-unknown-door"])
            ) { r in
                #expect(r.status == .unprocessableContent)
            }
        }
    }
}
