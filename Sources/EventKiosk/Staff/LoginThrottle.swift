import Foundation

/// Decides, before a PIN is checked, whether it may be checked at all. Pure state, driven by the clock it is given.
///
/// - Each client: wrong PINs are answered at once three times, then more slowly, and six lock the client for a while.
///   However many arrive at once, at most `maxChecked` wrong PINs from one client are checked in any `window`: a try is
///   counted (reserved) before it is checked, so a burst cannot slip through while the first ones are being hashed.
/// - Everyone together: at most `budget` wrong account checks in any `window`. A sign-in that names its staff member
///   checks one account; a PIN alone is checked against every active account, so it costs that many. When the budget
///   is spent, sign-in pauses for everyone (staff already signed in keep working) and the admin page says so.
///   This is the bound the README's guessing arithmetic rests on.
public struct LoginThrottle: Sendable {
    public struct Policy: Sendable {
        /// Wrong PINs answered at once.
        public var freeAttempts = 3
        /// Added wait per wrong PIN beyond the free ones.
        public var delayStep: Double = 0.5
        /// Wrong PINs (within `window`) that lock the client.
        public var lockAfter = 6
        public var lockFor: TimeInterval = 300
        public var window: TimeInterval = 900
        /// Wrong PINs from one client checked in any `window`, however they arrive.
        public var maxChecked = 10
        /// Wrong account checks from all clients together in any `window`.
        public var budget = 200
        public init() {}
    }

    public enum Decision: Equatable, Sendable {
        case allow
        /// Answer only after this many seconds.
        case delay(Double)
        /// Refuse (429) until this time.
        case locked(until: Date)
        /// Everyone's budget of wrong PINs is spent: refuse (429) until this time.
        case paused(until: Date)
    }

    struct Client {
        var failures: [Date] = []
        var lockedUntil: Date?
        /// Every wrong PIN in the window; a lock or a later success does not clear these.
        var checked: [Date] = []
        var inFlight = 0
    }

    public let policy: Policy
    private var clients: [String: Client] = [:]
    private var spent: [(at: Date, cost: Int)] = []
    private var reserved = 0

    public init(policy: Policy = Policy()) { self.policy = policy }

    /// What to do with a sign-in attempt from `client` now, before the PIN is checked.
    public func decide(client: String, now: Date, cost: Int = 1) -> Decision {
        let used = spent.filter { now.timeIntervalSince($0.at) < policy.window }
        if used.reduce(0, { $0 + $1.cost }) + reserved + cost > policy.budget, let first = used.first {
            return .paused(until: first.at.addingTimeInterval(policy.window))
        }
        guard let state = clients[client] else { return .allow }
        if let until = state.lockedUntil, until > now { return .locked(until: until) }
        let checked = state.checked.filter { now.timeIntervalSince($0) < policy.window }
        if checked.count + state.inFlight >= policy.maxChecked {
            return .locked(until: (checked.first ?? now).addingTimeInterval(policy.window))
        }
        let recent = state.failures.filter { now.timeIntervalSince($0) < policy.window }.count
        let extra = recent - policy.freeAttempts
        return extra >= 0 ? .delay(Double(extra + 1) * policy.delayStep) : .allow
    }

    /// Decides and, when the PIN may be checked, counts the try before it is checked.
    public mutating func admit(client: String, now: Date, cost: Int = 1) -> Decision {
        let decision = decide(client: client, now: now, cost: cost)
        switch decision {
        case .allow, .delay:
            clients[client, default: Client()].inFlight += 1
            reserved += cost
        case .locked, .paused: break
        }
        return decision
    }

    public mutating func recordFailure(client: String, now: Date, cost: Int = 1) {
        var state = clients[client] ?? Client()
        state.inFlight = max(0, state.inFlight - 1)
        reserved = max(0, reserved - cost)
        spent = spent.filter { now.timeIntervalSince($0.at) < policy.window } + [(now, cost)]
        state.checked = state.checked.filter { now.timeIntervalSince($0) < policy.window } + [now]
        state.failures = state.failures.filter { now.timeIntervalSince($0) < policy.window } + [now]
        if state.failures.count >= policy.lockAfter {
            state.lockedUntil = now.addingTimeInterval(policy.lockFor)
            state.failures = []
        }
        clients[client] = state
        if clients.count > 10_000 { clients = clients.filter { $0.value.lockedUntil.map { $0 > now } ?? false || !$0.value.checked.isEmpty } }
    }

    /// A right PIN ends the slow-down, but not the count of wrong PINs checked: knowing one's own PIN does not buy
    /// more guesses at somebody else's.
    public mutating func recordSuccess(client: String, cost: Int = 1) {
        reserved = max(0, reserved - cost)
        guard var state = clients[client] else { return }
        state.inFlight = max(0, state.inFlight - 1)
        state.failures = []
        state.lockedUntil = nil
        clients[client] = state
    }

    public mutating func release(client: String, cost: Int = 1) {
        reserved = max(0, reserved - cost)
        if var state = clients[client] {
            state.inFlight = max(0, state.inFlight - 1)
            clients[client] = state
        }
    }

    /// For the admin page: wrong account checks in the window, the clients locked now, and whether sign-in is paused.
    public func alert(now: Date) -> Alert {
        let used = spent.filter { now.timeIntervalSince($0.at) < policy.window }
        let wrong = clients.values.reduce(0) { $0 + $1.checked.filter { now.timeIntervalSince($0) < policy.window }.count }
        let locked = clients.filter { c in
            (c.value.lockedUntil.map { $0 > now } ?? false)
                || c.value.checked.filter { now.timeIntervalSince($0) < policy.window }.count >= policy.maxChecked
        }.keys.sorted()
        let cost = used.reduce(0) { $0 + $1.cost }
        return Alert(
            wrongPins: wrong, accountChecks: cost, budget: policy.budget, lockedClients: locked,
            pausedUntil: cost >= policy.budget ? used.first.map { $0.at.addingTimeInterval(policy.window) } : nil)
    }

    public struct Alert: Encodable, Sendable, Equatable {
        public let wrongPins: Int
        public let accountChecks: Int
        public let budget: Int
        public let lockedClients: [String]
        public let pausedUntil: Date?
    }
}

/// The throttle shared by all requests.
actor LoginGate {
    private var throttle: LoginThrottle
    let clock: KioskClock
    init(policy: LoginThrottle.Policy, clock: KioskClock = .system) { throttle = LoginThrottle(policy: policy); self.clock = clock }
    func admit(client: String, cost: Int) -> LoginThrottle.Decision { throttle.admit(client: client, now: clock.now(), cost: cost) }
    func failed(client: String, cost: Int) { throttle.recordFailure(client: client, now: clock.now(), cost: cost) }
    func succeeded(client: String, cost: Int) { throttle.recordSuccess(client: client, cost: cost) }
    /// The check never happened (the store failed): give the reservation back.
    func released(client: String, cost: Int) { throttle.release(client: client, cost: cost) }
    func alert() -> LoginThrottle.Alert { throttle.alert(now: clock.now()) }
}
