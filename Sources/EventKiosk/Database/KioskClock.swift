import Foundation
import Synchronization

/// The one clock of the server. Every "now" that is stored or compared (check-in times, the undo window, follow-up
/// due dates, sessions, the audit log) comes from the clock the `AppDatabase` was opened with: the system clock on the
/// day, a `ManualClock` in tests, which then move time instead of rewriting rows.
public struct KioskClock: Sendable {
    private let read: @Sendable () -> Date
    public init(_ read: @escaping @Sendable () -> Date) { self.read = read }
    public func now() -> Date { read() }
    public static let system = KioskClock { Date() }

    /// The time of the write transaction running on this thread: one instant for everything one write stores.
    /// `AppDatabase.write` binds it from its clock.
    @TaskLocal static var writeTime: Date?
}

/// A clock a test sets and moves.
public final class ManualClock: Sendable {
    private let time: Mutex<Date>
    public init(_ start: Date = Date()) { time = Mutex(start) }
    public var now: Date { time.withLock { $0 } }
    public func advance(by seconds: TimeInterval) { time.withLock { $0 += seconds } }
    public var clock: KioskClock { KioskClock { self.now } }
}
