import Foundation

/// Slows down, then locks, a client that keeps typing wrong PINs. Pure state, driven by the clock it is given.
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
        public init() {}
    }

    public enum Decision: Equatable, Sendable {
        case allow
        /// Answer only after this many seconds.
        case delay(Double)
        /// Refuse (429) until this time.
        case locked(until: Date)
    }

    struct Client { var failures: [Date] = []; var lockedUntil: Date? }

    public let policy: Policy
    private var clients: [String: Client] = [:]

    public init(policy: Policy = Policy()) { self.policy = policy }

    /// What to do with a sign-in attempt from `client` now, before the PIN is checked.
    public func decide(client: String, now: Date) -> Decision {
        guard let state = clients[client] else { return .allow }
        if let until = state.lockedUntil, until > now { return .locked(until: until) }
        let recent = state.failures.filter { now.timeIntervalSince($0) < policy.window }.count
        let extra = recent - policy.freeAttempts
        return extra >= 0 ? .delay(Double(extra + 1) * policy.delayStep) : .allow
    }

    public mutating func recordFailure(client: String, now: Date) {
        var state = clients[client] ?? Client()
        state.failures = state.failures.filter { now.timeIntervalSince($0) < policy.window } + [now]
        if state.failures.count >= policy.lockAfter {
            state.lockedUntil = now.addingTimeInterval(policy.lockFor)
            state.failures = []
        }
        clients[client] = state
        if clients.count > 10_000 { clients = clients.filter { $0.value.lockedUntil.map { $0 > now } ?? false } }
    }

    public mutating func recordSuccess(client: String) {
        clients[client] = nil
    }
}

/// The throttle shared by all requests.
actor LoginGate {
    private var throttle: LoginThrottle
    init(policy: LoginThrottle.Policy) { throttle = LoginThrottle(policy: policy) }
    func decide(client: String) -> LoginThrottle.Decision { throttle.decide(client: client, now: Date()) }
    func failed(client: String) { throttle.recordFailure(client: client, now: Date()) }
    func succeeded(client: String) { throttle.recordSuccess(client: client) }
}
