import Foundation

/// An inspection's stored content, in the canonical JSON its SHA-256 is taken over (the audit entry carries the hash):
/// pictures by their own SHA-256, so the hash covers the signature and the photos without carrying them.
struct InspectionContent: Encodable, Sendable {
    let clientId: String
    let inviteeId: Int64?
    let customerName: String?
    let customerPhone: String?
    let plate: String?
    let vin: String?
    let model: String?
    let mileageKm: Int?
    let technician: String
    let items: [EvaluatedItem]
    let at: Date
    let signatureSha256: String?
    let photoSha256: [String: String]
    let consentHqCall: Bool
    let gift: Bool
    let sticker: Bool

    func sha256() throws -> String { sha256Hex(String(decoding: try AuditLog.encoder.encode(self), as: UTF8.self)) }
}

/// The audit entry of a saved inspection: no name or phone (the chain outlives personal data), the content's hash,
/// the counts and handouts the manufacturer pays on, and each defect's decision with its amounts.
struct InspectionAudit: Encodable, Sendable {
    struct Decision: Encodable, Sendable { let item: String; let decision: RepairDecision; let partsYuan: Int?; let labourYuan: Int? }
    let inspectionId: Int64
    let clientId: String
    let inviteeId: Int64?
    let contentSha256: String
    let technician: String
    let urgent: Int
    let advise: Int
    let consentHqCall: Bool
    let gift: Bool
    let sticker: Bool
    let decisions: [Decision]

    init(id: Int64, content c: InspectionContent, hash: String) {
        inspectionId = id; clientId = c.clientId; inviteeId = c.inviteeId; contentSha256 = hash; technician = c.technician
        urgent = c.items.filter { $0.status == .urgent }.count; advise = c.items.filter { $0.status == .advise }.count
        consentHqCall = c.consentHqCall; gift = c.gift; sticker = c.sticker
        decisions = c.items.compactMap { i in
            i.decision.map { Decision(item: i.id, decision: $0, partsYuan: i.partsYuan, labourYuan: i.labourYuan) }
        }
    }
}
