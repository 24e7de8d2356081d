import Foundation
import Synchronization

/// What the hot path would otherwise read from the database on every request, kept in memory for one open
/// database: the signed-in sessions and the event in force. The writes that change them (sign-out, a new PIN, a
/// removed staff member, an event edit) drop them after they commit; a read that began before such a write is not
/// remembered (each forget moves `generation` on), so a dropped session never comes back from a stale read.
final class AppMemo: Sendable {
    private struct State {
        var generation = 0
        var sessions: [String: (session: StaffSession, expires: Date)] = [:]
        var event: EventConfig??
    }
    private let state = Mutex(State())

    /// Taken before a read whose result may be remembered.
    func generation() -> Int { state.withLock { $0.generation } }

    /// The session behind a token hash, if known and not expired at `now`.
    func session(_ hash: String, now: Date) -> StaffSession? {
        state.withLock { s in
            guard let hit = s.sessions[hash] else { return nil }
            if hit.expires > now { return hit.session }
            s.sessions[hash] = nil
            return nil
        }
    }

    func remember(_ hash: String, _ session: StaffSession, expires: Date, readAt generation: Int) {
        state.withLock { s in
            guard s.generation == generation else { return }
            if s.sessions.count >= 10_000 { s.sessions.removeAll() }  // a bound, not a policy: the database knows them all
            s.sessions[hash] = (session, expires)
        }
    }

    func forgetSession(_ hash: String) {
        state.withLock { s in
            s.generation += 1; s.sessions[hash] = nil
        }
    }
    func forgetSessions(staffID: Int64) {
        state.withLock { s in
            s.generation += 1; s.sessions = s.sessions.filter { $0.value.session.staffID != staffID }
        }
    }

    func forgetAll() { state.withLock { s in s = State(generation: s.generation + 1) } }

    /// The event in force as last read (`.some(nil)`: no event loaded), or nil when it must be read again.
    func knownEvent() -> EventConfig?? { state.withLock { $0.event } }
    func remember(event value: EventConfig?, readAt generation: Int) {
        state.withLock { s in if s.generation == generation { s.event = .some(value) } }
    }
    func forgetEvent() {
        state.withLock { s in
            s.generation += 1; s.event = nil
        }
    }
}
