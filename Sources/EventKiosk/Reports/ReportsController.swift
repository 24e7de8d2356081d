import Foundation
import Hummingbird

/// The end-of-day report, the evidence pack download, and backups from the admin page.
struct ReportsController {
    let db: AppDatabase
    let backup: BackupTarget

    func register(on api: APIRouter) {
        api.get("/report", .admin) { _, _ in HTML.response(DayReportPage.render(try await DayReport.gather(db: db))) }
        api.get("/api/export.zip", .admin) { _, _ in
            let zip = try await EvidencePack.build(db: db)
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/zip", .cacheControl: "no-store",
                    .contentDisposition: "attachment; filename=\"evidence-\(AppDatabase.fileStamp(db.now())).zip\"",
                ],
                body: .init(byteBuffer: ByteBuffer(bytes: zip)))
        }
        api.get("/api/backup", .admin) { _, _ in .json(backup.current) }
        api.put("/api/backup/target", .admin) { request, context in
            let body = try await request.decodeJSON(as: Target.self, context: context)
            try backup.setFolder(body.folder)
            try await db.saveBackupFolder(backup.current.folder ?? body.folder)  // kept across a restart
            context.logger.notice("backup folder set", metadata: ["folder": "\(body.folder)"])
            return .json(backup.current)
        }
        api.post("/api/backup", .admin) { _, context in
            _ = try backup.snapshot(db: db, logger: context.logger)
            return .json(backup.current)
        }
    }

    struct Target: Decodable { let folder: String }
}
