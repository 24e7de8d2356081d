import Foundation
import Hummingbird

/// The prize desk in the evening: who won what, and a tick when it was handed over.
struct PrizesController {
    let db: AppDatabase

    func register(on api: APIRouter) {
        api.get("/api/prizes/handout", .only(.mc)) { _, _ in .json(try await db.prizeHandouts()) }
        api.post("/api/prizes/handout", .only(.mc)) { request, context in
            let staff = try context.requireStaff()
            let body = try await request.decodeJSON(as: Tick.self, context: context)
            guard let key = body.key, !key.isEmpty else {
                throw APIError(.unprocessableContent, "invalid_body", "请给出奖品 key / give the prize's key")
            }
            return .json(try await db.markHandout(key: key, handed: body.handed ?? true, staffID: staff.staffID))
        }
    }

    struct Tick: Decodable { let key: String?; let handed: Bool? }
}
