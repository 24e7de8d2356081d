import Foundation
import Hummingbird

/// The end-of-day report, the evidence pack download, and backups from the admin page.
struct ReportsController {
    let db: AppDatabase
    let backup: BackupTarget

    func zip(_ data: Data, name: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "application/zip", .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"\(name)-\(AppDatabase.fileStamp(db.now())).zip\"",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func register(on api: APIRouter) {
        api.get("/report", .admin) { _, _ in HTML.response(DayReportPage.render(try await DayReport.gather(db: db))) }
        api.get("/api/export.zip", .admin) { _, _ in zip(try await EvidencePack.build(db: db), name: "evidence") }
        api.get("/api/export/hq-pack", .admin) { _, _ in zip(try await HQPack.build(db: db), name: "hq-pack") }
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
