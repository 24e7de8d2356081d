import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EventKiosk

@Suite struct InviteeEditingHTTPTests {
    struct Invitee: Decodable {
        let id: Int64; let name: String; let phone: String; let plate: String?; let code: String; let status: String; let partySize: Int
    }

    func scan(_ client: some TestClientProtocol, _ token: String, _ code: String) async throws -> (HTTPResponse.Status, String) {
        try await client.execute(
            uri: "/api/checkins", method: .post, headers: auth(token),
            body: jsonBody(["code": code, "door": "正门", "nonce": UUID().uuidString])
        ) { r in
            (r.status, ((try? JSONSerialization.jsonObject(with: Data(buffer: r.body))) as? [String: Any])?["status"] as? String ?? "")
        }
    }

    func invitee(_ client: some TestClientProtocol, _ admin: String, _ id: Int64) async throws -> Invitee {
        try await client.execute(uri: "/api/invitees/\(id)", method: .get, headers: auth(admin)) { try decodeJSON(Invitee.self, $0) }
    }

    @Test func anEditChangesOnlyWhatWasSentAndIsCheckedLikeAnImportedRow() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            let before = try await invitee(client, admin, 1)
            try await client.execute(
                uri: "/api/invitees/1", method: .patch, headers: auth(admin),
                body: ByteBuffer(string: #"{"plate":"苏 c·12345","party_size":3}"#)
            ) { r in
                #expect(r.status == .ok)
                let after = try decodeJSON(Invitee.self, r)
                #expect(after.name == before.name && after.phone == before.phone && after.code == before.code)
                #expect(after.plate == "苏C12345" && after.partySize == 3)
            }
            try await client.execute(uri: "/api/invitees/1", method: .patch, headers: auth(admin), body: ByteBuffer(string: #"{"phone":"12345"}"#)) {
                r in
                #expect(r.status == .unprocessableContent && errorMessage(r).contains("11-digit"))
            }
            try await client.execute(uri: "/api/invitees/1", method: .patch, headers: auth(admin), body: ByteBuffer(string: #"{"party_size":0}"#)) {
                r in
                #expect(r.status == .unprocessableContent)
            }
            let other = try await invitee(client, admin, 2)
            try await client.execute(uri: "/api/invitees/1", method: .patch, headers: auth(admin), body: jsonBody(["phone": other.phone])) { r in
                #expect(r.status == .conflict && errorCode(r) == "phone_taken")
            }
            try await client.execute(uri: "/api/invitees/9999", method: .patch, headers: auth(admin), body: jsonBody(["name": "x"])) {
                #expect($0.status == .notFound)
            }
            #expect(try await invitee(client, admin, 1).phone == before.phone)
        }
    }

    @Test func aReissuedCodeAdmitsTheGuestAndTheOldCardAnswersRevoked() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            let greeter = try await client.staffToken(admin: admin, role: .greeter, pin: "555555")
            let old = try await invitee(client, admin, 3)
            let new = try await client.execute(uri: "/api/invitees/3/reissue", method: .post, headers: auth(admin)) {
                try decodeJSON(Invitee.self, $0)
            }
            #expect(new.code != old.code && new.code.count == old.code.count)
            #expect(try await scan(client, greeter, old.code) == (.gone, "revoked"))
            #expect(try await scan(client, greeter, "http://kiosk.local/c/\(new.code)") == (.created, "ok"))
            // A greeter may not reissue.
            try await client.execute(uri: "/api/invitees/3/reissue", method: .post, headers: auth(greeter)) { #expect($0.status == .forbidden) }
        }
    }

    @Test func aCancelledInvitationAnswersRevokedUntilItIsRestored() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            let greeter = try await client.staffToken(admin: admin, role: .greeter, pin: "555555")
            let guest = try await invitee(client, admin, 4)
            try await client.execute(uri: "/api/invitees/4/revoke", method: .post, headers: auth(admin)) { #expect($0.status == .ok) }
            #expect(try await scan(client, greeter, guest.code) == (.gone, "revoked"))
            let restored = try await client.execute(uri: "/api/invitees/4/restore", method: .post, headers: auth(admin)) {
                try decodeJSON(Invitee.self, $0)
            }
            #expect(restored.status == "active")
            #expect(try await scan(client, greeter, guest.code) == (.created, "ok"))
        }
    }
}
