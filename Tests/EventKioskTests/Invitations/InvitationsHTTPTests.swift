import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EventKiosk

@Suite struct InvitationsHTTPTests {
    struct Page: Decodable { let total: Int; let items: [Item] }
    struct Item: Decodable { let id: Int64; let name: String; let phone: String; let plate: String?; let code: String; let partySize: Int }
    struct Imported: Decodable { let imported: Int; let updated: Int; let rejected: [Rejected]; let encoding: String }
    struct Rejected: Decodable { let line: Int; let reason: String }

    func importCSV(_ client: some TestClientProtocol, _ token: String, _ bytes: [UInt8]) async throws -> TestResponse {
        try await client.execute(
            uri: "/api/invitees/import", method: .post,
            headers: [.authorization: "Bearer \(token)", .contentType: "text/csv"],
            body: ByteBuffer(bytes: bytes))
    }

    @Test func importingTwiceUpdatesByPhoneInsteadOfDuplicating() async throws {
        let t = try await TestApp()
        try await t.test { client in
            let admin = try await client.login("1234")
            let first = try await importCSV(client, admin, InviteeImportTests.gbkCSV)
            #expect(first.status == .ok)
            let a = try decodeJSON(Imported.self, first)
            #expect((a.imported, a.updated, a.encoding) == (2, 0, "GB18030"))

            let again = try await importCSV(client, admin, Array("姓名,手机,人数\n张三丰,13800138000,2\n,13800138001,1\n".utf8))
            let b = try decodeJSON(Imported.self, again)
            #expect((b.imported, b.updated) == (0, 1))
            #expect(b.rejected.map(\.line) == [3])

            try await client.execute(uri: "/api/invitees", method: .get, headers: auth(admin)) { r in
                let page = try decodeJSON(Page.self, r)
                #expect(page.total == 2)
                #expect(page.items.map(\.name) == ["张三丰", "欧阳娜娜"])
                #expect(page.items[0].partySize == 2)
            }
        }
    }

    @Test func searchFindsByNamePhoneLastFourAndPlate() async throws {
        let t = try await TestApp(loadDemoInvitees: false)
        try await t.test { client in
            let admin = try await client.login("1234")
            _ = try await importCSV(client, admin, InviteeImportTests.gbkCSV)
            func names(_ q: String) async throws -> [String] {
                let escaped = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                return try await client.execute(uri: "/api/invitees?q=\(escaped)", method: .get, headers: auth(admin)) { r in
                    try decodeJSON(Page.self, r).items.map(\.name)
                }
            }
            #expect(try await names("欧阳") == ["欧阳娜娜"])
            #expect(try await names("1111") == ["欧阳娜娜"])
            #expect(try await names("8000") == ["张三"])
            #expect(try await names("13800138000") == ["张三"])
            #expect(try await names("苏c 12345") == ["张三"])
            #expect(try await names("%") == [])
            #expect(try await names("'; DROP TABLE invitee; --") == [])
        }
    }

    @Test func pagingIsBoundedAndBadValuesAreNamed() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            try await client.execute(uri: "/api/invitees?limit=5&offset=5", method: .get, headers: auth(admin)) { r in
                let page = try decodeJSON(Page.self, r)
                #expect(page.total == 40 && page.items.count == 5 && page.items.first?.id == 6)
            }
            try await client.execute(uri: "/api/invitees?limit=10001", method: .get, headers: auth(admin)) { r in
                #expect(r.status == .badRequest)
                #expect(errorMessage(r).contains("limit"))
            }
        }
    }

    @Test func badUploadsGetClearErrorsNeverA5xx() async throws {
        let t = try await TestApp()
        try await t.test { client in
            let admin = try await client.login("1234")
            var rng = SystemRandomNumberGenerator()
            let random = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let r1 = try await importCSV(client, admin, random)
            #expect(r1.status == .unprocessableContent)
            #expect(errorCode(r1) == "invalid_csv")

            let r2 = try await importCSV(client, admin, [])
            #expect(r2.status == .unprocessableContent)

            let r3 = try await importCSV(client, admin, Array("车牌\n苏C1\n".utf8))
            #expect(errorMessage(r3).contains("姓名/name"))

            let big = [UInt8](repeating: 0x41, count: 10 * 1_048_576)
            let r4 = try await importCSV(client, admin, big)
            #expect(r4.status == .contentTooLarge)
            #expect(errorCode(r4) == "too_large")

            // Nothing saved was lost by the failed uploads.
            _ = try await importCSV(client, admin, InviteeImportTests.gbkCSV)
            _ = try await importCSV(client, admin, random)
            try await client.execute(uri: "/api/invitees", method: .get, headers: auth(admin)) { r in
                let page = try decodeJSON(Page.self, r)
                #expect(page.total == 2)
            }
        }
    }

    @Test func aMissingTokenIs401AndAWrongRoleIs403() async throws {
        let t = try await TestApp()
        try await t.test { client in
            let admin = try await client.login("1234")
            let tech = try await client.staffToken(admin: admin, role: .technician, pin: "555555")
            let r1 = try await importCSV(client, "", InviteeImportTests.gbkCSV)
            #expect(r1.status == .unauthorized)
            let r2 = try await importCSV(client, tech, InviteeImportTests.gbkCSV)
            #expect(r2.status == .forbidden)
            try await client.execute(uri: "/api/invitees", method: .get, headers: [.authorization: "Bearer nonsense"]) { r in
                #expect(r.status == .unauthorized)
            }
        }
    }

    @Test func qrCodesHoldTheInviteesCheckInCode() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        let invitee = try await t.db.invitee(id: 3)
        let expectedSVG = try QRCode(invitee.code).svg()
        try await t.test { client in
            let admin = try await client.login("1234")
            try await client.execute(uri: "/api/invitees/3/qr.png", method: .get, headers: auth(admin)) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "image/png")
                #expect(Array(Data(buffer: r.body).prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            }
            try await client.execute(uri: "/api/invitees/3/qr.svg", method: .get, headers: auth(admin)) { r in
                #expect(r.headers[.contentType] == "image/svg+xml")
                #expect(String(buffer: r.body) == expectedSVG)
            }
            try await client.execute(uri: "/api/invitees/999/qr.svg", method: .get, headers: auth(admin)) { r in
                #expect(r.status == .notFound)
            }
            // The guest's own link shows the QR and the masked name, never the full one.
            try await client.execute(uri: "/c/\(invitee.code)", method: .get) { r in
                let html = String(buffer: r.body)
                #expect(r.status == .ok)
                #expect(html.contains(NameMask.mask(invitee.name)))
                #expect(!html.contains(invitee.phone))
            }
            try await client.execute(uri: "/c/NOTAREALCODE", method: .get) { r in #expect(r.status == .notFound) }
        }
    }

    /// Issue 24: the SMS list carried `http://localhost:…/c/<code>`, the address of the admin's own browser, which a
    /// guest at home cannot open. With the event's `public_url` the links start with it; without one they are left out,
    /// the text says what works without the laptop, and the admin is told why.
    @Test func theSMSExportIsExcelReadyWithLinksThatWorkWhereTheyAreRead() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        let first = try await t.db.invitee(id: 1)
        try await t.test { client in
            let admin = try await client.login("1234")
            func export() async throws -> (lines: [String], notice: String?) {
                try await client.execute(
                    uri: "/api/invitees/export.csv", method: .get, headers: auth(admin)
                ) { r in
                    #expect(r.status == .ok)
                    let bytes = Array(Data(buffer: r.body))
                    #expect(bytes.prefix(3) == [0xEF, 0xBB, 0xBF])
                    let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
                    #expect(!text.contains("localhost") && !text.contains("127.0.0.1"))
                    let notice = r.headers[HTTPField.Name("X-Kiosk-Notice")!]?.removingPercentEncoding
                    return (text.components(separatedBy: "\r\n").filter { !$0.isEmpty }, notice)
                }
            }
            var (lines, notice) = try await export()
            #expect(lines.count == 41)
            #expect(lines[0] == "姓名,手机,车牌,车型,销售顾问,人数,签到码,签到链接,到场说明")
            #expect(lines[1].hasPrefix("\(first.name),\(first.phone),"))
            #expect(lines[1].hasSuffix(",\(first.code),,\(first.code)（到场出示此码，或报手机尾号 \(first.phone.suffix(4))）"), "\(lines[1])")
            #expect(notice?.contains("public_url") == true)

            var event = try #require(try await t.db.event())
            event.publicUrl = "http://localhost:8080"
            #expect(event.validate().map(\.field) == ["public_url"], "a public address is not this laptop")
            event.publicUrl = "https://dealer.example.com/kiosk/"
            _ = try await t.db.updateEvent(event, staffID: nil)
            (lines, notice) = try await export()
            #expect(lines[1].hasSuffix(",\(first.code),https://dealer.example.com/kiosk/c/\(first.code),"), "\(lines[1])")
            #expect(notice == nil)
        }
    }

    @Test func theInvitationSheetPrintsACardPerInviteeForSignedInStaff() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            // Without a sign-in the browser is sent to sign in first, and back (issue 19), not shown JSON.
            try await client.execute(uri: "/invitations", method: .get) { r in
                #expect(r.status == .seeOther && r.headers[.location] == "/?next=/invitations")
            }
            try await client.execute(uri: "/invitations", method: .get, headers: [.cookie: "kiosk_token=\(admin)"]) { r in
                #expect(r.status == .ok)
                let html = String(buffer: r.body)
                #expect(html.components(separatedBy: "<article class=\"card\">").count - 1 == 40)
                #expect(html.contains("微山湖微山岛锦鲤御苑"))
            }
            // The cookie never authorises a change.
            try await client.execute(
                uri: "/api/invitees/import", method: .post, headers: [.cookie: "kiosk_token=\(admin)"],
                body: ByteBuffer(bytes: InviteeImportTests.gbkCSV)
            ) { r in #expect(r.status == .unauthorized) }
        }
    }
}
