import Foundation

/// Decides, before a PIN is checked, whether it may be checked at all. Pure state, driven by the clock it is given.
///
/// - Each client: wrong PINs are answered at once three times, then more slowly, and six lock the client for a while.
///   However many arrive at once, at most `maxChecked` wrong PINs from one client are checked in any `window`: a try is
///   counted (reserved) before it is checked, so a burst cannot slip through while the first ones are being hashed.
/// - A PIN alone is checked against every active account, so it costs that many checks, from `budget`, shared by
///   everyone who signs in that way. When it is spent, PIN-only sign-in pauses.
/// - A sign-in that names its staff member ("pick your name, then type the PIN") checks one account, from that
///   account's own share of `namedBudget` (issue 23: one guest's PIN-only guessing from many addresses had paused
///   every sign-in). Guessing at one name can pause sign-in to that name only, and only on a new device:
/// - a device that has signed this staff member in before (`trusted`) is never paused by anyone's budget; its own
///   per-client limit still holds.
/// Together the two budgets bound the wrong checks in any window, whatever the number of addresses: the README's
/// arithmetic rests on `budget + namedBudget`. A trusted device is no way in: it is given only after the right PIN.
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
        /// Wrong account checks of PIN-only sign-ins, all clients together, in any `window`.
        public var budget = 100
        /// Wrong checks of named sign-ins in any `window`, all accounts together; each account gets an equal share.
        public var namedBudget = 100
        public init() {}
    }

    /// Who a sign-in tries: every account (a PIN alone), or one named account, from a device it has used before or not.
    public enum Target: Equatable, Sendable {
        case anyAccount(accounts: Int)
        case account(Int64, accounts: Int, trusted: Bool)

        var cost: Int {
            switch self {
            case .anyAccount(let n): return max(1, n)
            case .account: return 1
            }
        }
        var key: Int64? { if case .account(let id, _, _) = self { return id } else { return nil } }
        var isTrusted: Bool { if case .account(_, _, true) = self { return true } else { return false } }
    }

    public enum Decision: Equatable, Sendable {
        case allow
        /// Answer only after this many seconds.
        case delay(Double)
        /// Refuse (429) until this time.
        case locked(until: Date)
        /// The budget this sign-in draws on is spent: refuse (429) until this time.
        case paused(until: Date)
        /// Somebody is guessing at this account's PIN: refuse (429) until this time, unless from a trusted device.
        case accountPaused(until: Date)
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
    /// Wrong checks in the window, per budget: `nil` is the PIN-only budget, an id an account's share.
    private var spent: [Int64?: [(at: Date, cost: Int)]] = [:]
    private var reserved: [Int64?: Int] = [:]

    public init(policy: Policy = Policy()) { self.policy = policy }

    private func used(_ key: Int64?, now: Date) -> [(at: Date, cost: Int)] {
        (spent[key] ?? []).filter { now.timeIntervalSince($0.at) < policy.window }
    }

    /// What to do with a sign-in attempt from `client` now, before the PIN is checked.
    public func decide(client: String, now: Date, target: Target = .anyAccount(accounts: 1)) -> Decision {
        switch target {
        case .anyAccount:
            let used = used(nil, now: now)
            if used.reduce(0, { $0 + $1.cost }) + (reserved[nil] ?? 0) + target.cost > policy.budget, let first = used.first {
                return .paused(until: first.at.addingTimeInterval(policy.window))
            }
        case .account(let id, let accounts, let trusted):
            let share = max(1, policy.namedBudget / max(1, accounts))
            let used = used(id, now: now)
            if !trusted, used.count + (reserved[id] ?? 0) + 1 > share, let first = used.first {
                return .accountPaused(until: first.at.addingTimeInterval(policy.window))
            }
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
    public mutating func admit(client: String, now: Date, target: Target = .anyAccount(accounts: 1)) -> Decision {
        let decision = decide(client: client, now: now, target: target)
        switch decision {
        case .allow, .delay:
            clients[client, default: Client()].inFlight += 1
            if !target.isTrusted { reserved[target.key, default: 0] += target.cost }
        case .locked, .paused, .accountPaused: break
        }
        return decision
    }

    public mutating func recordFailure(client: String, now: Date, target: Target = .anyAccount(accounts: 1)) {
        var state = clients[client] ?? Client()
        state.inFlight = max(0, state.inFlight - 1)
        if !target.isTrusted {
            reserved[target.key] = max(0, (reserved[target.key] ?? 0) - target.cost)
            spent[target.key] = used(target.key, now: now) + [(now, target.cost)]
        }
        state.checked = state.checked.filter { now.timeIntervalSince($0) < policy.window } + [now]
        state.failures = state.failures.filter { now.timeIntervalSince($0) < policy.window } + [now]
        if state.failures.count >= policy.lockAfter {
            state.lockedUntil = now.addingTimeInterval(policy.lockFor)
            state.failures = []
        }
        clients[client] = state
        if clients.count > 10_000 { clients = clients.filter { $0.value.lockedUntil.map { $0 > now } ?? false || !$0.value.checked.isEmpty } }
        if spent.count > 10_000 { spent = spent.filter { !used($0.key, now: now).isEmpty } }
    }

    /// A right PIN ends the slow-down, but not the count of wrong PINs checked: knowing one's own PIN does not buy
    /// more guesses at somebody else's.
    public mutating func recordSuccess(client: String, target: Target = .anyAccount(accounts: 1)) {
        if !target.isTrusted { reserved[target.key] = max(0, (reserved[target.key] ?? 0) - target.cost) }
        guard var state = clients[client] else { return }
        state.inFlight = max(0, state.inFlight - 1)
        state.failures = []
        state.lockedUntil = nil
        clients[client] = state
    }

    public mutating func release(client: String, target: Target) {
        if !target.isTrusted { reserved[target.key] = max(0, (reserved[target.key] ?? 0) - target.cost) }
        if var state = clients[client] {
            state.inFlight = max(0, state.inFlight - 1)
            clients[client] = state
        }
    }

    /// For the admin page: wrong account checks in the window, the clients locked now, and whether sign-in is paused.
    public func alert(now: Date) -> Alert {
        let anyAccount = used(nil, now: now)
        let named = spent.keys.compactMap { $0 }.reduce(0) { $0 + self.used($1, now: now).count }
        let wrong = clients.values.reduce(0) { $0 + $1.checked.filter { now.timeIntervalSince($0) < policy.window }.count }
        let locked = clients.filter { c in
            (c.value.lockedUntil.map { $0 > now } ?? false)
                || c.value.checked.filter { now.timeIntervalSince($0) < policy.window }.count >= policy.maxChecked
        }.keys.sorted()
        let cost = anyAccount.reduce(0) { $0 + $1.cost }
        return Alert(
            wrongPins: wrong, accountChecks: cost + named, budget: policy.budget + policy.namedBudget, lockedClients: locked,
            pausedUntil: cost >= policy.budget ? anyAccount.first.map { $0.at.addingTimeInterval(policy.window) } : nil)
    }

    public struct Alert: Encodable, Sendable, Equatable {
        public let wrongPins: Int
        /// Wrong account checks in the window, PIN-only and named together, against both budgets together.
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
    func admit(client: String, target: LoginThrottle.Target) -> LoginThrottle.Decision {
        throttle.admit(client: client, now: clock.now(), target: target)
    }
    func failed(client: String, target: LoginThrottle.Target) { throttle.recordFailure(client: client, now: clock.now(), target: target) }
    func succeeded(client: String, target: LoginThrottle.Target) { throttle.recordSuccess(client: client, target: target) }
    /// The check never happened (the store failed): give the reservation back.
    func released(client: String, target: LoginThrottle.Target) { throttle.release(client: client, target: target) }
    func alert() -> LoginThrottle.Alert { throttle.alert(now: clock.now()) }
}
