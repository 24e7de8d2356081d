import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EventKiosk

/// PINs cannot be found on the day (issue 15): a burst is counted before it is checked, everyone's wrong PINs share
/// one budget, new PINs are long enough, and staff already signed in keep working.
@Suite struct PinGuessingTests {
    @Test func sixtyWrongPINsAtOnceGetAtMostTenChecked() async throws {
        let t = try await TestApp()
        try await t.test { client in
            let admin = try await client.login("1234")
            let greeter = try await client.staffToken(admin: admin, role: .greeter, pin: "258025")
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for i in 0..<60 {
                    group.addTask {
                        try await client.execute(uri: "/api/login", method: .post, body: jsonBody(["pin": String(format: "%06d", 900_000 + i)])) {
                            $0.status
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let checked = statuses.filter { $0 == .unauthorized }.count
            #expect(checked <= 10, "\(checked) wrong PINs were checked")
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 60 - checked)
            // Whoever is signed in keeps working throughout.
            try await client.execute(uri: "/api/me", method: .get, headers: auth(greeter)) { #expect($0.status == .ok) }
        }
    }

    @Test func aKnownPINDoesNotBuyMoreGuesses() {
        var throttle = LoginThrottle()
        let t0 = Date(timeIntervalSince1970: 2_000_000)
        var checked = 0
        for i in 0..<40 {
            let now = t0.addingTimeInterval(Double(i) * 20)
            switch throttle.admit(client: "insider", now: now) {
            case .allow, .delay:
                if i % 3 == 0 { throttle.recordSuccess(client: "insider") } else { throttle.recordFailure(client: "insider", now: now); checked += 1 }
            case .locked, .paused, .accountPaused: break
            }
        }
        #expect(checked <= 10, "signing in with one's own PIN between guesses must not reset the count (\(checked) checked)")
    }

    @Test func pinOnlyGuessesShareOneBudgetAndAPINAloneCostsEveryAccount() {
        var policy = LoginThrottle.Policy()
        policy.budget = 30
        var throttle = LoginThrottle(policy: policy)
        let now = Date(timeIntervalSince1970: 3_000_000)
        // 20 devices, each guessing with a PIN alone against one account.
        var checked = 0
        for device in 0..<20 {
            for _ in 0..<5 {
                let d = throttle.admit(client: "dev\(device)", now: now, target: .anyAccount(accounts: 1))
                if case .paused = d { continue }
                if case .locked = d { continue }
                throttle.recordFailure(client: "dev\(device)", now: now, target: .anyAccount(accounts: 1)); checked += 1
            }
        }
        #expect(checked == 30)
        if case .paused(let until) = throttle.decide(client: "fresh", now: now) {
            #expect(until == now.addingTimeInterval(900))
        } else {
            Issue.record("PIN-only sign-in must pause once its budget is spent")
        }
        #expect(throttle.decide(client: "fresh", now: now.addingTimeInterval(901)) == .allow)
        // Named sign-ins draw on their own account's share, so the spent PIN-only budget does not stop them (issue 23).
        #expect(throttle.decide(client: "fresh", now: now, target: .account(2, accounts: 5, trusted: false)) == .allow)
        // A PIN alone with 10 staff costs 10 of the budget.
        var fresh = LoginThrottle(policy: policy)
        for _ in 0..<3 {
            _ = fresh.admit(client: "a", now: now, target: .anyAccount(accounts: 10))
            fresh.recordFailure(client: "a", now: now, target: .anyAccount(accounts: 10))
        }
        if case .paused = fresh.decide(client: "b", now: now, target: .anyAccount(accounts: 10)) {} else {
            Issue.record("three PIN-only guesses at 10 accounts spend 30")
        }
        #expect(fresh.alert(now: now).accountChecks == 30 && fresh.alert(now: now).pausedUntil != nil)
    }

    /// Issue 23: twelve PIN-only guesses from each of six addresses paused every sign-in for 15 minutes. Now guessing
    /// at one name pauses only that name on new devices; the device a person has used before still signs them in.
    @Test func guessingAtOneNamePausesOnlyThatNameAndNeverATrustedDevice() {
        var policy = LoginThrottle.Policy()
        policy.namedBudget = 100
        var throttle = LoginThrottle(policy: policy)
        let now = Date(timeIntervalSince1970: 4_000_000)
        let target = LoginThrottle.Target.account(7, accounts: 10, trusted: false)  // a share of 10 per window
        var checked = 0
        for address in 0..<200 {
            let d = throttle.admit(client: "10.0.0.\(address)", now: now, target: target)
            guard d == .allow else { continue }
            throttle.recordFailure(client: "10.0.0.\(address)", now: now, target: target); checked += 1
        }
        #expect(checked == 10, "200 addresses got \(checked) checks of one account")
        #expect(throttle.decide(client: "new", now: now, target: target) == .accountPaused(until: now.addingTimeInterval(900)))
        #expect(throttle.decide(client: "her-tablet", now: now, target: .account(7, accounts: 10, trusted: true)) == .allow)
        #expect(throttle.decide(client: "colleague", now: now, target: .account(8, accounts: 10, trusted: false)) == .allow)
        // Whatever the addresses, a window holds at most budget + namedBudget wrong checks: the README's arithmetic.
        #expect(policy.budget + policy.namedBudget == 200)
    }

    @Test func newPINsAreSixDigitsForStaffAndEightForAdmins() async throws {
        let t = try await TestApp()
        try await t.test { client in
            let admin = try await client.login("1234")
            for (role, pin, ok) in [
                ("greeter", "2580", false), ("greeter", "25802", false), ("greeter", "258025", true),
                ("admin", "1357924", false), ("admin", "13579246", true),
            ] {
                try await client.execute(
                    uri: "/api/staff", method: .post, headers: auth(admin),
                    body: jsonBody(["name": "员工\(pin)", "role": role, "pin": pin])
                ) { r in
                    #expect((r.status == .created) == ok, "\(role) \(pin): \(r.status)")
                    if !ok { #expect(errorCode(r) == "invalid_pin") }
                }
            }
        }
    }

    @Test func namingTheStaffMemberChecksOnlyThatAccount() async throws {
        let t = try await TestApp()
        try await t.test { client in
            let admin = try await client.login("1234")
            _ = try await client.staffToken(admin: admin, role: .greeter, pin: "258025", name: "王芳")
            let staff = try await client.execute(uri: "/api/staff/names", method: .get) { String(buffer: $0.body) }
            #expect(staff.contains("王芳") && !staff.contains("pin"))
            try await client.execute(uri: "/api/login", method: .post, body: ByteBuffer(string: #"{"pin":"258025","staff_id":2}"#)) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/login", method: .post, body: ByteBuffer(string: #"{"pin":"258025","staff_id":1}"#)) {
                #expect($0.status == .unauthorized, "the right PIN of somebody else")
            }
            try await client.execute(uri: "/api/login/alert", method: .get, headers: auth(admin)) { r in
                #expect(String(buffer: r.body).contains("\"wrong_pins\":1"))
            }
        }
    }

    /// The same over HTTP: a device that signed 王芳 in before keeps doing so while someone guesses at her name; a new
    /// device is told why it waits; guessing with a PIN alone does not touch named sign-ins at all.
    @Test func aTrustedDeviceSignsInWhileSomeoneGuessesAtThatName() async throws {
        var policy = LoginThrottle.Policy()
        policy.maxChecked = 1_000; policy.lockAfter = 1_000; policy.freeAttempts = 1_000; policy.namedBudget = 6; policy.budget = 4
        let t = try await TestApp(policy: policy)
        try await t.test { client in
            let admin = try await client.login("1234")
            _ = try await client.staffToken(admin: admin, role: .greeter, pin: "258025", name: "王芳")
            let named = ByteBuffer(string: #"{"pin":"258025","staff_id":2}"#)
            let device = try await client.execute(uri: "/api/login", method: .post, body: named) { r -> String in
                #expect(r.status == .ok)
                let cookie = r.headers[values: .setCookie].first { $0.hasPrefix("kiosk_device=") } ?? ""
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
                return String(cookie.dropFirst("kiosk_device=".count).prefix { $0 != ";" })
            }
            #expect(device.count == 64)
            // PIN-only guesses spend their own budget: then a PIN alone is paused, a named sign-in is not.
            for i in 0..<4 {
                try await client.execute(uri: "/api/login", method: .post, body: jsonBody(["pin": "90000\(i)"])) { _ in }
            }
            try await client.execute(uri: "/api/login", method: .post, body: jsonBody(["pin": "258025"])) { r in
                #expect(r.status == .tooManyRequests && errorCode(r) == "sign_in_paused")
            }
            try await client.execute(uri: "/api/login", method: .post, body: named) { #expect($0.status == .ok) }
            // Guessing at her name (a share of 6 / 2 accounts = 3) pauses her name on new devices only.
            for i in 0..<3 {
                try await client.execute(uri: "/api/login", method: .post, body: ByteBuffer(string: #"{"pin":"11111\#(i)","staff_id":2}"#)) {
                    #expect($0.status == .unauthorized)
                }
            }
            try await client.execute(uri: "/api/login", method: .post, body: named) { r in
                #expect(r.status == .tooManyRequests && errorCode(r) == "account_paused")
                #expect(errorMessage(r).contains("平时用的设备"))
            }
            try await client.execute(uri: "/api/login", method: .post, headers: [.cookie: "kiosk_device=\(device)"], body: named) {
                #expect($0.status == .ok, "her own tablet signs her in")
            }
            // A new PIN forgets the devices she had.
            try await client.execute(
                uri: "/api/staff/2/pin", method: .put, headers: auth(admin), body: jsonBody(["pin": "369369"])
            ) { #expect($0.status == .ok) }
            try await client.execute(
                uri: "/api/login", method: .post, headers: [.cookie: "kiosk_device=\(device)"],
                body: ByteBuffer(string: #"{"pin":"369369","staff_id":2}"#)
            ) { #expect($0.status == .tooManyRequests) }
        }
    }
}
