import Foundation
import Hummingbird

/// The hash-chained log: its head (public, shown on the MC screen) and its entries (admin).
struct AuditController {
    let db: AppDatabase

    func register(on api: APIRouter) {
        api.get("/api/audit/head", .everyone) { _, _ in .json(try await db.auditHead()) }
        api.get("/api/audit", .admin) { request, _ in
            let after = request.uri.queryParameters.get("after").flatMap { Int64($0) } ?? 0
            return .json(try await db.auditRows(after: after))
        }
    }
}
