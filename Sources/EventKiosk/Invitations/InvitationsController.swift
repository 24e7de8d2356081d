import Foundation
import KioskFormats
import Hummingbird

/// The invitee list: import, search, QR codes, the SMS export.
struct InvitationsController {
    let db: AppDatabase

    func register(on api: APIRouter) {
        api.post("/api/invitees/import", .only(.sales), importCSV)
        api.get("/api/invitees", .staff, list)
        api.get("/api/invitees/export.csv", .only(.sales), exportCSV)
        api.get("/api/invitees/{id}", .staff) { _, context in .json(try await db.invitee(id: try context.id()).seen(by: context.staff)) }
        api.patch("/api/invitees/{id}", .admin) { request, context in
            .json(
                try await db.updateInvitee(
                    id: try context.id(), try await request.decodeJSON(as: InviteeEdit.self, context: context),
                    staffID: context.staff?.staffID))
        }
        api.post("/api/invitees/{id}/reissue", .admin) { _, context in
            .json(try await db.reissueCode(id: try context.id(), staffID: context.staff?.staffID))
        }
        api.post("/api/invitees/{id}/revoke", .admin) { _, context in
            .json(try await db.revokeInvitation(id: try context.id(), staffID: context.staff?.staffID))
        }
        api.post("/api/invitees/{id}/restore", .admin) { _, context in
            .json(try await db.restoreInvitation(id: try context.id(), staffID: context.staff?.staffID))
        }
        // A guest's QR code is their invitation: for admin and the guest's own consultant only.
        api.get("/api/invitees/{id}/qr.svg", .only(.sales)) { _, context in Self.svgResponse(try QRCode(try await ownCode(context))) }
        api.get("/api/invitees/{id}/qr.png", .only(.sales)) { _, context in Self.pngResponse(try QRCode(try await ownCode(context))) }
    }

    /// The check-in code of the guest in the path, if the signed-in staff member may hand out their invitation.
    func ownCode(_ context: AppRequestContext) async throws -> String {
        let invitee = try await db.invitee(id: try context.id())
        guard let code = invitee.seen(by: context.staff).visibleCode else {
            throw APIError(
                .forbidden, "not_your_guest",
                "这位来宾属于其他销售顾问 / This guest belongs to another consultant: only they or an admin hand out the invitation")
        }
        return code
    }

    /// Imports a CSV (UTF-8 or GBK); bad rows are listed, good rows are kept.
    @Sendable func importCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
        let bytes = try await request.bodyBytes(context: context)
        guard !bytes.isEmpty else { throw APIError(.unprocessableContent, "invalid_csv", "文件是空的 / The file is empty") }
        let parsed: InviteeImport
        do { parsed = try InviteeImport(bytes: bytes) } catch let e as InviteeImport.Failure {
            throw APIError(.unprocessableContent, "invalid_csv", e.message)
        }
        let result = try await db.importInvitees(parsed, by: try context.requireStaff())
        context.logger.info(
            "invitee import",
            metadata: [
                "imported": "\(result.imported)", "updated": "\(result.updated)",
                "rejected": "\(result.rejected.count)", "encoding": "\(result.encoding)",
            ])
        return .json(result)
    }

    struct Page: Encodable { let total: Int; let limit: Int; let offset: Int; let items: [InviteeView] }

    /// `?q=` searches; `limit` (default 100, at most 10,000) and `offset` page the list.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (limit, offset) = try RequestInput.paging(request)
        let q = request.uri.queryParameters.get("q")
        if let q, q.count > 100 { throw APIError.badRequest("搜索词过长 / Search text is longer than 100 characters") }
        let (total, items) = try await db.invitees(query: q, limit: limit, offset: offset)
        return .json(Page(total: total, limit: limit, offset: offset, items: items.map { $0.seen(by: context.staff) }))
    }

    /// Names, phones and personal check-in links, for the dealer's SMS platform.
    @Sendable func exportCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
        // An SMS is read at home: its link starts with the event's public address, or there is none (`LinkBase`).
        let base = LinkBase.publicBase(try await db.event())
        // Sales export their own guests only; an admin exports everyone.
        let rows = try await db.allInvitees().filter { $0.status == "active" }.compactMap { i -> [String]? in
            guard let code = i.seen(by: context.staff).visibleCode else { return nil }
            let link = base.map { "\($0)/c/\(code)" } ?? ""
            return [i.name, i.phone, i.plate ?? "", i.model ?? "", i.consultant ?? "", String(i.partySize), code, link,
                    base == nil ? LinkBase.noLinkText(code: code, phone: i.phone) : ""]
        }
        let data = CSVWriter.document(header: ["姓名", "手机", "车牌", "车型", "销售顾问", "人数", "签到码", "签到链接", "到场说明"], rows: rows)
        var response = CSVWriter.response(data, filename: "invitees-sms.csv")
        if base == nil { response.notice(LinkBase.noPublicURL) }
        return response
    }

    static func svgResponse(_ qr: QRCode) -> Response {
        Response(
            status: .ok, headers: [.contentType: "image/svg+xml", .cacheControl: "private, max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(string: qr.svg())))
    }

    static func pngResponse(_ qr: QRCode) -> Response {
        Response(
            status: .ok, headers: [.contentType: "image/png", .cacheControl: "private, max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(bytes: qr.png())))
    }
}
