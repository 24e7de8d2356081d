import Foundation
import Hummingbird

/// 厂家上报 on the admin page: enrol with the manufacturer's service, send now, and what it last answered. The pack
/// itself can always be downloaded (`GET /api/export/hq-pack`) for an upload from another computer.
struct HQLinkController {
    let link: HQLink

    func register(on api: APIRouter) {
        api.get("/api/hq", .admin) { _, _ in .json(try await link.status()) }
        api.post("/api/hq/enroll", .admin) { request, context in
            let body = try await request.decodeJSON(as: Enrol.self, context: context)
            let enrolment = try await link.enroll(hqURL: body.hqUrl, code: body.code)
            context.logger.notice("enrolled with the manufacturer", metadata: ["hq": "\(enrolment.hqUrl)", "dealer": "\(enrolment.dealerCode)"])
            await link.flush()
            return .json(try await link.status(), status: .created)
        }
        api.post("/api/hq/send", .admin) { _, _ in .json(try await link.sendNow()) }
    }

    struct Enrol: Decodable { let hqUrl: String; let code: String }
}
