import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EventKiosk

/// Issue 23: one malformed number used to stop the server (`"1e19"` as an inspection value: Double → Int trapped).
/// These tests feed every JSON route the extremes, one field at a time, from bodies that are otherwise valid enough to
/// reach the field's checks. A trap anywhere ends the test process, so they fail loudly; every answer must be a 4xx
/// (or a success), never a 5xx, and the server must still answer afterwards.
@Suite struct MalformedNumberTests {
    /// A JSON tree written out by hand, so numbers no Swift type holds (2^63, 40 digits) can be sent as they are.
    indirect enum J {
        case raw(String), str(String), arr([J]), obj([(String, J)])

        var text: String {
            switch self {
            case .raw(let r): return r
            case .str(let s): return String(decoding: try! JSONEncoder().encode(s), as: UTF8.self)
            case .arr(let a): return "[" + a.map(\.text).joined(separator: ",") + "]"
            case .obj(let o): return "{" + o.map { J.str($0.0).text + ":" + $0.1.text }.joined(separator: ",") + "}"
            }
        }

        init(_ v: JSONValue) {
            switch v {
            case .string(let s): self = .str(s)
            case .int(let i): self = .raw(String(i))
            case .double(let d): self = .raw(String(d))
            case .bool(let b): self = .raw(b ? "true" : "false")
            case .null: self = .raw("null")
            case .array(let a): self = .arr(a.map(J.init))
            case .object(let o): self = .obj(o.keys.sorted().map { ($0, J(o[$0]!)) })
            }
        }

        /// Every variant of this tree with one number (or numeric-looking string) leaf replaced by `value`.
        func mutations(_ value: J) -> [J] {
            switch self {
            case .raw(let r): return r == "null" || r == "true" || r == "false" ? [] : [value]
            case .str(let s): return Double(s) != nil ? [value] : []
            case .arr(let a):
                return a.indices.flatMap { i in a[i].mutations(value).map { m in var c = a; c[i] = m; return J.arr(c) } }
            case .obj(let o):
                return o.indices.flatMap { i in o[i].1.mutations(value).map { m in var c = o; c[i].1 = m; return J.obj(c) } }
            }
        }
    }

    /// The extremes the issue lists: ±1e308, NaN spelt as text, 2^63, −0, 40-digit numbers and strings.
    static let extremes: [J] = [
        .raw("1e308"), .raw("-1e308"), .raw("1e19"), .raw("-1e19"), .str("1e19"), .str("-1e19"), .str("1e308"),
        .raw("9223372036854775808"), .raw("-9223372036854775809"), .raw("9223372036854775807"), .raw("-0"), .raw("-0.0"),
        .str("NaN"), .str("Infinity"), .str("-inf"), .raw(String(repeating: "9", count: 40)),
        .str(String(repeating: "9", count: 40)), .raw("0.5"), .raw("-1"), .raw("1e-320"),
    ]

    func send(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, _ token: String, _ body: String) async throws {
        try await client.execute(uri: uri, method: method, headers: auth(token), body: ByteBuffer(string: body)) { r in
            #expect(r.status.code < 500, "\(method) \(uri) \(body.prefix(300)) → \(r.status) \(String(buffer: r.body).prefix(200))")
        }
    }

    @Test func anInspectionValueOf1e19IsRefusedAndTheServerGoesOn() async throws {
        let t = try await TestApp()
        try await t.test { client in
            let admin = try await client.login(TestApp.adminPIN)
            let tech = try await client.staffToken(admin: admin, role: .technician, pin: "505050")
            for value in ["1e19", "-1e19", "1e308"] {
                let body = InspectionFixture.body { items in InspectionFixture.setValue(&items, "battery", "voltage", .string(value)) }
                try await client.execute(uri: "/api/inspections", method: .post, headers: auth(tech), body: jsonBody(body)) { r in
                    #expect(r.status == .unprocessableContent)
                    #expect(String(buffer: r.body).contains("超出可能范围"), "\(String(buffer: r.body).prefix(300))")
                }
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func everyJSONRouteTakesTheExtremesInEveryNumberField() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login(TestApp.adminPIN)
            let event = try await client.execute(uri: "/api/event/config", method: .get, headers: auth(admin)) { r in
                try JSON.decoder.decode([String: JSONValue].self, from: Data(buffer: r.body))["event"]!
            }
            let nonce = J.str(UUID().uuidString)
            let bases: [(HTTPRequest.Method, String, J)] = [
                (.post, "/api/checkins", .obj([("code", .str("12345")), ("door", .str("东门")), ("nonce", nonce), ("party_size", .raw("2"))])),
                (
                    .post, "/api/walkins",
                    .obj([("name", .str("路人")), ("phone", .str("13900001111")), ("door", .str("东门")), ("nonce", nonce), ("party_size", .raw("1"))])
                ),
                (.patch, "/api/checkins/1", .obj([("party_size", .raw("3"))])),
                (.post, "/api/orders", .obj([("invitee_id", .raw("1")), ("model", .str("408")), ("nonce", nonce)])),
                (.post, "/api/orders/1/void", .obj([("reason", .str("1"))])),
                (.post, "/api/wheel/spins", .obj([("order_id", .raw("1")), ("nonce", nonce)])),
                (.post, "/api/wheel/spins", .obj([("grant_id", .raw("1")), ("nonce", nonce)])),
                (.post, "/api/wheel/grants", .obj([("invitee_id", .raw("1")), ("reason", .str("夺宝令牌"))])),
                (.post, "/api/draws", .obj([("name", .str("港澳双人游")), ("pool", .str("orders")), ("winners", .raw("1")), ("alternates", .raw("2"))])),
                (.post, "/api/draws/1/run", .obj([("salt", .str("8848"))])),
                (.post, "/api/survey/answers", .obj([("ratings", .obj([("overall", .raw("5"))])), ("callback_phone", .str("13900002222"))])),
                (.patch, "/api/followups/1", .obj([("outcome", .str("reached")), ("note", .str("1"))])),
                (.post, "/api/login", .obj([("pin", .str("1234")), ("staff_id", .raw("1"))])),
                (.put, "/api/staff/1/pin", .obj([("pin", .str("12345678"))])),
                (.patch, "/api/invitees/1", .obj([("party_size", .raw("2")), ("phone", .str("13800000001"))])),
                (.post, "/api/invitees/1/contacts", .obj([("outcome", .str("invited")), ("note", .str("2"))])),
                (.post, "/api/inspections", J(InspectionFixture.body())),
                (.put, "/api/event", J(event)),
            ]
            for (method, uri, base) in bases {
                for value in Self.extremes {
                    for body in base.mutations(value) { try await send(client, method, uri, admin, body.text) }
                }
            }
            // The query strings that take numbers.
            for value in ["1e19", "-1", "9223372036854775808", String(repeating: "9", count: 40), "NaN", "-0"] {
                for uri in ["/api/invitees?limit=\(value)", "/api/invitees?offset=\(value)", "/api/audit?after=\(value)", "/api/checkins?limit=\(value)"] {
                    try await client.execute(uri: uri, method: .get, headers: auth(admin)) { #expect($0.status.code < 500, "\(uri)") }
                }
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
    }
}
