import Foundation
import Hummingbird
import KioskFormats

/// The call centre: one task at a time per agent, phone numbers only for the task held.
enum CallRoutes {
    struct Answer: Decodable { let result: String; let followupDone: Bool?; let note: String? }

    static func add(_ on: HQRoutes.On, _ s: HQServices) {
        on(.post, "/api/calls/next", .only(.agent)) { _, _, user in
            guard let user, let task = try await s.store.nextCall(agent: user.name, holdSeconds: s.config.callHoldSeconds) else {
                return Response(status: .noContent)
            }
            return try HQJSON.response(["task": task])
        }
        on(.post, "/api/calls/{id}", .only(.agent)) { req, ctx, user in
            guard let id = ctx.parameters.get("id").flatMap(Int64.init), id > 0 else { throw HQError.bad("任务编号不对 / Not a task id", code: "bad_id") }
            let b = try await req.json(Answer.self)
            guard let result = CallResult(rawValue: b.result) else {
                throw HQError.invalid("bad_result", "result：应为 confirmed、denied 或 unreachable / result must be confirmed, denied or unreachable")
            }
            let note = b.note ?? ""
            guard note.count <= 500 else { throw HQError.invalid("note_too_long", "note：最多 500 字 / note is at most 500 characters") }
            switch try await s.store.answerCall(
                id: id, agent: user?.name ?? "", result: result, followupDone: b.followupDone, note: note, holdSeconds: s.config.callHoldSeconds)
            {
            case .stored(let state, let attempts): return try HQJSON.response(["id": "\(id)", "state": state, "attempts": "\(attempts)"])
            case .notHeld:
                throw HQError(.conflict, "not_held", "此任务不在你手上（已超时或已完成）/ You do not hold this task (it timed out or is done)")
            }
        }
        on(.get, "/api/calls/stats", .only(.hqAdmin)) { _, _, _ in try HQJSON.response(try await s.store.callCounts()) }
    }
}
