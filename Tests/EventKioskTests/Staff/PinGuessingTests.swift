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
            case .locked, .paused: break
            }
        }
        #expect(checked <= 10, "signing in with one's own PIN between guesses must not reset the count (\(checked) checked)")
    }

    @Test func everyonesWrongPINsShareOneBudgetAndAPINAloneCostsEveryAccount() {
        var policy = LoginThrottle.Policy()
        policy.budget = 30
        var throttle = LoginThrottle(policy: policy)
        let now = Date(timeIntervalSince1970: 3_000_000)
        // 20 devices, each naming a staff member (one account checked per try).
        var checked = 0
        for device in 0..<20 {
            for _ in 0..<5 {
                let d = throttle.admit(client: "dev\(device)", now: now, cost: 1)
                if case .paused = d { continue }
                if case .locked = d { continue }
                throttle.recordFailure(client: "dev\(device)", now: now, cost: 1); checked += 1
            }
        }
        #expect(checked == 30)
        if case .paused(let until) = throttle.decide(client: "fresh", now: now) {
            #expect(until == now.addingTimeInterval(900))
        } else {
            Issue.record("sign-in must pause once the budget is spent")
        }
        #expect(throttle.decide(client: "fresh", now: now.addingTimeInterval(901)) == .allow)
        // A PIN alone with 10 staff costs 10 of the budget.
        var fresh = LoginThrottle(policy: policy)
        for _ in 0..<3 { _ = fresh.admit(client: "a", now: now, cost: 10); fresh.recordFailure(client: "a", now: now, cost: 10) }
        if case .paused = fresh.decide(client: "b", now: now, cost: 10) {} else { Issue.record("three PIN-only guesses at 10 accounts spend 30") }
        #expect(fresh.alert(now: now).accountChecks == 30 && fresh.alert(now: now).pausedUntil != nil)
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
}
