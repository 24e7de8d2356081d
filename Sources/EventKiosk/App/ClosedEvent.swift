import Hummingbird
import Synchronization

/// Whether the event day has been closed, known without a database read on every request.
public final class ClosedFlag: Sendable {
    private let closed: Mutex<Bool>
    public init(_ closed: Bool) { self.closed = Mutex(closed) }
    public var isClosed: Bool { closed.withLock { $0 } }
    func close() { closed.withLock { $0 = true } }
    /// A new event, or a set-aside day brought back (issue 24).
    func set(_ value: Bool) { closed.withLock { $0 = value } }
}

/// After the event is closed every change is refused (409 `event_closed`), except what the reports and the closing
/// still need: signing in and out, the follow-up calls of the week after, complaint handling, the prize desk's ticks,
/// and backups.
/// `APIRouter` asks this for each route when it is registered, and checks the flag after the caller's role.
enum ClosedEvent {
    static let stillOpen: Set<String> = [
        "POST /api/login", "POST /api/logout", "POST /api/qr/decode", "POST /api/backup", "PUT /api/backup/target",
        "PATCH /api/followups/{id}", "POST /api/survey/complaints/{id}/handle",
        "POST /api/prizes/handout",
        // The closed day still goes to the manufacturer (issue 25).
        "POST /api/hq/enroll", "POST /api/hq/send",
        // Tokens last 24 hours: staff can still be removed, and a PIN changed, after the day is closed (issue 23).
        "DELETE /api/staff/{id}", "PUT /api/staff/{id}/pin",
        // The next event starts from a closed day; a day set aside can come back (issue 24).
        "POST /api/events/new", "POST /api/events/archive/{id}/restore", "POST /api/backup/files/{id}/restore",
    ]

    static func refusesAfterClose(_ method: HTTPRequest.Method, _ path: String) -> Bool {
        method != .get && method != .head && !stillOpen.contains("\(method) \(path)")
    }

    static let refused = APIError(.conflict, "event_closed", "活动已结束，不能再更改 / The event is closed; nothing more can be changed")
}
