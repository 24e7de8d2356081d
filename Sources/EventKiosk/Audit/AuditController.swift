import Foundation
import Hummingbird

/// The hash-chained log: its head (public, shown on the MC screen) and its entries (admin).
struct AuditController {
    let db: AppDatabase

    func register(on api: APIRouter) {
        api.get("/api/audit/head", .everyone) { _, _ in .json(try await db.auditHead()) }
        // The kiosk's identity and a signed checkpoint of the log's head, for the manufacturer (issue 25).
        api.get("/api/kiosk/identity", .everyone) { _, _ in .json(Identity(db.identity)) }
        api.get("/api/audit/checkpoint", .everyone) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: try await db.checkpoint())))
        }
        api.get("/api/audit/checkpoints", .admin) { _, _ in .json(["checkpoints": try await db.checkpoints()]) }
        api.get("/api/audit", .admin) { request, _ in
            let after = request.uri.queryParameters.get("after").flatMap { Int64($0) } ?? 0
            return .json(try await db.auditRows(after: after))
        }
    }
}

/// `GET /api/kiosk/identity`: the public half of the kiosk's key, as the contract gives it.
struct Identity: Encodable {
    let kioskId: String
    let publicKey: String
    let vkey: String
    let dealerCode: String?
    init(_ identity: KioskIdentity) {
        kioskId = identity.kioskID; publicKey = identity.publicKey.base64EncodedString(); vkey = identity.noteKey.vkey
        dealerCode = identity.keep.enrolment()?.dealerCode
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kioskId, forKey: .kioskId); try c.encode(publicKey, forKey: .publicKey); try c.encode(vkey, forKey: .vkey)
        try c.encode(dealerCode, forKey: .dealerCode)  // null until the kiosk is enrolled
    }
    enum CodingKeys: String, CodingKey { case kioskId, publicKey, vkey, dealerCode }
}
