import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EventKiosk

@Suite struct RouteAccessTests {
    /// Walks every registered route with no token and with each role's token:
    /// refused exactly when the route's stated access says so (401 without a token, 403 for a wrong role).
    @Test func everyRouteAdmitsExactlyTheRolesItStates() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        // Sign-out ends the token used, so it goes last.
        let routes = t.routes.sorted { a, b in (a.path == "/api/logout" ? 1 : 0) < (b.path == "/api/logout" ? 1 : 0) }
        #expect(routes.count >= 12)
        let code = try #require(try await t.db.invitee(id: 1)).code
        try await t.test { client in
            let admin = try await client.login(TestApp.adminPIN)
            var tokens: [Role?: String] = [.admin: admin]
            for (i, role) in Role.allCases.enumerated() where role != .admin {
                tokens[role] = try await client.staffToken(admin: admin, role: role, pin: "70\(i)070")
            }
            // The event stream never ends by itself; it is public and is exercised by the browser tests.
            for route in routes where route.path != "/api/stream" {
                let uri = route.path.replacingOccurrences(of: "{id}", with: "1").replacingOccurrences(of: "{code}", with: code)
                for role in [nil] + Role.allCases.map(Optional.some) {
                    let headers = role.map { auth(tokens[$0]!) } ?? [:]
                    try await client.execute(uri: uri, method: route.method, headers: headers, body: ByteBuffer(string: "{}")) { r in
                        let who = role?.rawValue ?? "nobody"
                        if route.access.allows(role) {
                            // A 403 of the data (a guest of another consultant) is the route answering, not refusing the role.
                            let roleRefused = r.status == .unauthorized || (r.status == .forbidden && errorCode(r) == "forbidden")
                            #expect(!roleRefused, "\(route) refused \(who): \(r.status)")
                        } else if role == nil {
                            // A staff page (not /api) sends a browser to sign in instead of showing JSON (issue 19).
                            let refused: HTTPResponse.Status = route.path.hasPrefix("/api/") || route.method != .get ? .unauthorized : .seeOther
                            #expect(r.status == refused, "\(route) let \(who) in: \(r.status)")
                        } else {
                            #expect(r.status == .forbidden, "\(route) let \(who) in: \(r.status)")
                        }
                        #expect(r.status.code < 500, "\(route) as \(who) answered \(r.status)")
                    }
                }
            }
        }
    }

    @Test func anUnknownRouteIsAJSON404() async throws {
        let t = try await TestApp()
        try await t.test { client in
            try await client.execute(uri: "/api/nothing-here", method: .get) { r in
                #expect(r.status == .notFound)
                #expect(r.headers[.contentType]?.hasPrefix("application/json") == true)
                #expect(errorCode(r) == "not_found")
            }
        }
    }

    @Test func healthzAnswersOK() async throws {
        let t = try await TestApp()
        try await t.test { client in
            try await client.execute(uri: "/healthz", method: .get) { r in
                #expect(r.status == .ok)
                // The contract's {"status": "ok"}, and the version the start page's footer shows (issue 17).
                let body = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: String]
                #expect(body?["status"] == "ok" && body?["version"] == Install.version)
            }
        }
    }

    @Test func thePagesAreServedWithContentTypesAndCacheHeaders() async throws {
        let t = try await TestApp()
        try await t.test { client in
            try await client.execute(uri: "/", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(r.headers[.cacheControl] == "no-cache")
                #expect(r.headers[.eTag] != nil)
            }
            try await client.execute(uri: "/js/api.js", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType]?.contains("javascript") == true)
            }
            try await client.execute(uri: "/css/kiosk.css", method: .get) { r in
                #expect(r.headers[.contentType]?.hasPrefix("text/css") == true)
            }
        }
    }
}

/// Every page the start page links to answers HEAD as it answers GET, for each role (issue 19: the report tile).
@Suite struct PageHeadTests {
    @Test func everyStartPageLinkAnswersHeadForEachRole() async throws {
        let t = try await TestApp()
        try await t.test { client in
            let admin = try await client.login(TestApp.adminPIN)
            var tokens: [Role: String] = [.admin: admin]
            for (i, role) in Role.allCases.enumerated() where role != .admin {
                tokens[role] = try await client.staffToken(admin: admin, role: role, pin: "81\(i)081")
            }
            // The start page's tiles, read from its own list (start.js), so a new tile is covered without editing this.
            let start = try String(contentsOf: TestApp.repoRoot.appendingPathComponent("Kiosk/js/start.js"), encoding: .utf8)
            let tiles = start.matches(of: /page: '([^']+)'/).map { String($0.1) }
            #expect(tiles.count >= 11 && tiles.contains("/prizes.html") && tiles.contains("/report"), "\(tiles)")
            let pages = ["/"] + tiles + ["/draw.html", "/setup.html", "/rules", "/favicon.ico"]
            for page in pages {
                for role in [nil] + Role.allCases.map(Optional.some) {
                    var headers: HTTPFields = [:]
                    if let role { headers[.cookie] = "kiosk_token=\(tokens[role]!)" }
                    let get = try await client.execute(uri: page, method: .get, headers: headers) { $0.status }
                    try await client.execute(uri: page, method: .head, headers: headers) { r in
                        #expect(r.status == get, "HEAD \(page) as \(role?.rawValue ?? "nobody"): \(r.status), GET: \(get)")
                        #expect(r.body.readableBytes == 0)
                    }
                    #expect(get != .notFound, "\(page) is missing")
                }
            }
            // The report: the admin reads it, others are refused, and nobody signed in is sent to sign in.
            try await client.execute(uri: "/report", method: .head, headers: [.cookie: "kiosk_token=\(admin)"]) { #expect($0.status == .ok) }
            try await client.execute(uri: "/report", method: .head) { #expect($0.status == .seeOther) }
        }
    }
}
