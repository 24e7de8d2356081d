import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /api/stream`: Server-Sent Events for the MC screen, the doors and the wheel.
struct LiveController {
    let feed: LiveFeed
    let slots: StreamSlots
    /// The current state to send when a client connects or has missed events (e.g. `status`, `tally`).
    let snapshot: @Sendable () async throws -> [(type: String, data: String)]

    func register(on api: APIRouter) {
        api.get("/api/stream", .everyone, stream)
    }

    @Sendable func stream(_ request: Request, context: AppRequestContext) async throws -> Response {
        let lastID =
            request.headers[HTTPField.Name("Last-Event-ID")!].flatMap { Int64($0) }
            ?? request.uri.queryParameters.get("last_event_id").flatMap { Int64($0) }
        let client = context.clientAddress
        switch await slots.acquire(client) {
        case .granted: break
        case .deviceLimit(let limit):
            throw APIError(
                .tooManyRequests, "too_many_streams",
                "这台设备已打开 \(limit) 个实时连接（每台设备的上限），请关闭多余的页面 / "
                    + "This device already holds \(limit) live streams, the most one device may hold now: close the pages you do not need",
                extra: ["limit": .string("per_device"), "max": .int(limit)], headers: [.retryAfter: "10"])
        case .full(let total):
            throw APIError(
                .tooManyRequests, "streams_full",
                "笔记本的实时连接已满（共 \(total) 个），请稍后再试 / All \(total) live streams of the laptop are in use; try again shortly",
                extra: ["limit": .string("total"), "max": .int(total)], headers: [.retryAfter: "10"])
        }
        let (missed, events, latestID) = await feed.subscribe(after: lastID)
        let initial: [(type: String, data: String)]
        do { initial = (missed == nil || lastID == nil) ? try await snapshot() : [] } catch {
            await slots.release(client)
            throw error
        }
        let body = ResponseBody { [slots] writer in
            do { try await Self.run(&writer, initial: initial, missed: missed, events: events, latestID: latestID) } catch {
                await slots.release(client)
                throw error
            }
            await slots.release(client)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/event-stream", .cacheControl: "no-cache",
                HTTPField.Name("X-Accel-Buffering")!: "no",
            ], body: body)
    }

    private static func run(
        _ writer: inout any ResponseBodyWriter, initial: [(type: String, data: String)], missed: [LiveFeed.Event]?,
        events: AsyncStream<LiveFeed.Item>, latestID: Int64
    ) async throws {
        var buffer = ByteBuffer()
        buffer.writeString("retry: 2000\n\n")
        for s in initial { buffer.writeString(Self.frame(id: latestID, type: s.type, data: s.data)) }
        for e in missed ?? [] { buffer.writeString(Self.frame(id: e.id, type: e.type, data: e.data)) }
        try await writer.write(buffer)
        for await item in events {
            switch item {
            case .event(let e): try await writer.write(ByteBuffer(string: Self.frame(id: e.id, type: e.type, data: e.data)))
            case .heartbeat: try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
            }
        }
        try await writer.finish(nil)
    }

    /// One SSE event; snapshot frames carry the latest id so a resume continues after them.
    static func frame(id: Int64, type: String, data: String) -> String {
        var s = "id: \(id)\nevent: \(type)\n"
        for line in data.split(separator: "\n", omittingEmptySubsequences: false) { s += "data: \(line)\n" }
        return s + "\n"
    }
}

/// Caps the live streams one device may hold open, and all of them together: one phone opening thousands of streams
/// cannot use up the laptop's connections and file descriptors, or slow the door.
public actor StreamSlots {
    let perClient: Int
    let total: Int
    private var open: [String: Int] = [:]
    private var count = 0

    public init(perClient: Int = 8, total: Int = 1_000) { self.perClient = perClient; self.total = total }

    enum Grant: Equatable { case granted, deviceLimit(Int), full(Int) }

    /// What one device may hold now: `perClient` while fewer than half the streams are open, then 2, and 1 past 90%,
    /// so devices that hold many cannot fill the total while a new MC screen still gets one (issue 23: 126 addresses
    /// × 8 streams filled the 1,000). Streams already open are never closed by this.
    func share() -> Int {
        if count >= total * 9 / 10 { return 1 }
        if count >= total / 2 { return min(perClient, 2) }
        return perClient
    }

    func acquire(_ client: String) -> Grant {
        let limit = share()
        guard open[client, default: 0] < limit else { return .deviceLimit(limit) }
        guard count < total else { return .full(total) }
        open[client, default: 0] += 1
        count += 1
        return .granted
    }

    func release(_ client: String) {
        guard let n = open[client] else { return }
        open[client] = n > 1 ? n - 1 : nil
        count -= 1
    }

    public var openStreams: Int { count }
}
