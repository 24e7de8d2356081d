import Foundation
import GRDB

/// An admin's change to one invitee: only the fields sent are changed, and they are checked like an imported row.
public struct InviteeEdit: Decodable, Sendable {
    public var name: String?
    public var phone: String?
    public var plate: String?
    public var vin: String?
    public var model: String?
    public var consultant: String?
    public var partySize: Int?
}

extension AppDatabase {
    /// Edits one invitee; a phone another invitee already has is refused (the phone is how a guest is found).
    func updateInvitee(id: Int64, _ edit: InviteeEdit, staffID: Int64?) async throws -> InviteeView {
        try await write { db in
            guard var r = try InviteeRecord.fetchOne(db, key: id) else { throw DomainError.notFound("没有这位来宾 / No invitee with id \(id)") }
            let draft: InviteeDraft
            switch InviteeImport.draft(
                name: edit.name ?? r.name, phone: edit.phone ?? r.phone, plate: edit.plate ?? r.plate,
                vin: edit.vin ?? r.vin, model: edit.model ?? r.model, consultant: edit.consultant ?? r.consultant,
                partySize: String(edit.partySize ?? r.partySize))
            {
            case .success(let d): draft = d
            case .failure(let f): throw DomainError(.invalid, "invalid_invitee", f.message)
            }
            if draft.phone != r.phone, try InviteeRecord.filter(InviteeRecord.Columns.phone == draft.phone).fetchCount(db) > 0 {
                throw DomainError(
                    .conflict, "phone_taken",
                    "另一位来宾已使用手机号 \(draft.phone) / "
                        + "Another invitee already has phone \(draft.phone)")
            }
            let before = InviteeAuditView(r)
            r.name = draft.name; r.phone = draft.phone; r.plate = draft.plate; r.vin = draft.vin
            r.model = draft.model; r.consultant = draft.consultant; r.partySize = draft.partySize; r.updatedAt = Self.writeTime
            try r.update(db)
            try AuditLog.append(
                db, kind: "invitee_changed",
                InviteeAudit(
                    inviteeId: id, staffId: staffID,
                    changes: try AuditDiff(before: before, after: InviteeAuditView(r))))
            return InviteeView(r)
        }
    }

    /// Gives an invitee a new code (a lost or forwarded invitation): the old card then answers `revoked` at the door.
    func reissueCode(id: Int64, staffID: Int64?) async throws -> InviteeView {
        try await changeInvitee(id: id, audit: "code_reissued", staffID: staffID) { db, r in
            try RetiredCodeRecord(code: r.code, inviteeId: id, at: Self.writeTime, staffId: staffID).insert(db)
            r.code = try Self.freshCode(db)
        }
    }

    /// Revokes an invitation: its code then answers `revoked` at the door.
    func revokeInvitation(id: Int64, staffID: Int64?) async throws -> InviteeView {
        try await changeInvitee(id: id, audit: "invitation_revoked", staffID: staffID) { _, r in r.status = "revoked" }
    }

    /// Undoes a cancelled invitation: the code works again.
    func restoreInvitation(id: Int64, staffID: Int64?) async throws -> InviteeView {
        try await changeInvitee(id: id, audit: "invitation_restored", staffID: staffID) { _, r in r.status = "active" }
    }

    /// One audited change to one invitee, in one transaction; 404 when there is no such invitee.
    private func changeInvitee(
        id: Int64, audit kind: String, staffID: Int64?,
        _ change: @escaping @Sendable (Database, inout InviteeRecord) throws -> Void
    ) async throws -> InviteeView {
        try await write { db in
            guard var r = try InviteeRecord.fetchOne(db, key: id) else { throw DomainError.notFound("没有这位来宾 / No invitee with id \(id)") }
            let before = InviteeAuditView(r)
            try change(db, &r)
            r.updatedAt = Self.writeTime
            try r.update(db)
            // A new code is a change too, but the codes themselves stay out of the log (they admit a guest).
            let diff = try AuditDiff(before: before, after: InviteeAuditView(r))
            try AuditLog.append(db, kind: kind, InviteeAudit(inviteeId: id, staffId: staffID, changes: diff))
            return InviteeView(r)
        }
    }

    /// The invitee whose code was replaced by a reissue, if `code` is such an old code.
    static func inviteeWithRetiredCode(_ db: Database, code: String) throws -> InviteeRecord? {
        try InviteeRecord.fetchOne(
            db, sql: "SELECT invitee.* FROM retired_code JOIN invitee ON invitee.id = retired_code.invitee_id WHERE retired_code.code = ?",
            arguments: [code])
    }

    private struct InviteeAudit: Encodable { let inviteeId: Int64; let staffId: Int64?; let changes: AuditDiff }
}
