import Foundation
import Hummingbird
import NIOCore
import HTTPTypes

/// `GET /api/stream`: Server-Sent Events for the MC screen, the doors and the wheel.
struct LiveController {
    let feed: LiveFeed
    /// The current state to send when a client connects or has missed events (e.g. `status`, `tally`).
    let snapshot: @Sendable () async throws -> [(type: String, data: String)]

    func register(on api: APIRouter) {
        api.get("/api/stream", .everyone, stream)
    }

    @Sendable func stream(_ request: Request, context: AppRequestContext) async throws -> Response {
        let lastID = request.headers[HTTPField.Name("Last-Event-ID")!].flatMap { Int64($0) }
            ?? request.uri.queryParameters.get("last_event_id").flatMap { Int64($0) }
        let (missed, events, latestID) = await feed.subscribe(after: lastID)
        let initial = (missed == nil || lastID == nil) ? try await snapshot() : []
        let body = ResponseBody { writer in
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
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache",
                                               HTTPField.Name("X-Accel-Buffering")!: "no"], body: body)
    }

    /// One SSE event; snapshot frames carry the latest id so a resume continues after them.
    static func frame(id: Int64, type: String, data: String) -> String {
        var s = "id: \(id)\nevent: \(type)\n"
        for line in data.split(separator: "\n", omittingEmptySubsequences: false) { s += "data: \(line)\n" }
        return s + "\n"
    }
}
