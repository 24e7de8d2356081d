import Foundation
import Hummingbird
import NIOCore
import ServiceLifecycle

/// In-process broadcaster behind `GET /api/stream`: numbered events, a short history for `Last-Event-ID`
/// resume, and a heartbeat. Everything published here is public, so it carries masked names only.
public actor LiveFeed {
    public struct Event: Sendable, Equatable {
        public let id: Int64
        public let type: String
        public let data: String
    }

    enum Item: Sendable { case event(Event), heartbeat }

    /// Ids start from the boot time in milliseconds, so they keep rising across a restart of the laptop.
    private var nextID: Int64 = Int64(Date().timeIntervalSince1970 * 1000)
    private var history: [Event] = []
    private var subscribers: [UUID: AsyncStream<Item>.Continuation] = [:]
    private var finished = false
    let historyLimit: Int

    public init(historyLimit: Int = 1_000) { self.historyLimit = historyLimit }

    /// Publishes an event of `type` with a JSON-encodable payload.
    public func publish(_ type: String, _ payload: some Encodable & Sendable) {
        guard let data = try? JSON.encoder.encode(payload) else { return }
        nextID += 1
        let event = Event(id: nextID, type: type, data: String(decoding: data, as: UTF8.self))
        history.append(event)
        if history.count > historyLimit { history.removeFirst(history.count - historyLimit) }
        for continuation in subscribers.values { continuation.yield(.event(event)) }
    }

    /// A new subscriber: the events after `lastID` still in history (or nil if some were lost), then live ones.
    func subscribe(after lastID: Int64?) -> (missed: [Event]?, stream: AsyncStream<Item>, latestID: Int64) {
        let id = UUID()
        let (stream, continuation) = AsyncStream<Item>.makeStream(bufferingPolicy: .bufferingNewest(256))
        if finished { continuation.finish() } else { subscribers[id] = continuation }
        continuation.onTermination = { [weak self] _ in Task { await self?.unsubscribe(id) } }
        var missed: [Event]? = []
        if let lastID {
            if let first = history.first, first.id > lastID + 1 {
                missed = nil
            }  // a gap: resend a snapshot instead
            else {
                missed = history.filter { $0.id > lastID }
            }
        }
        return (missed, stream, nextID)
    }

    func unsubscribe(_ id: UUID) { subscribers.removeValue(forKey: id) }

    public var subscriberCount: Int { subscribers.count }

    func heartbeat() { for c in subscribers.values { c.yield(.heartbeat) } }

    /// Ends every stream (graceful shutdown).
    func finishAll() {
        finished = true
        for c in subscribers.values { c.finish() }
        subscribers.removeAll()
    }
}

/// Keeps the feed's heartbeat going and closes every stream on graceful shutdown.
/// Run it after the application in one `ServiceGroup`: shutdown goes in reverse order, so the streams are
/// closed first and the HTTP server, which waits for open connections, can then stop.
public struct LiveFeedService: Service {
    let feed: LiveFeed
    let heartbeat: Duration

    public init(feed: LiveFeed, heartbeat: Duration = .seconds(15)) {
        self.feed = feed
        self.heartbeat = heartbeat
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: heartbeat)
                await feed.heartbeat()
            }
        }
        await feed.finishAll()
    }
}
