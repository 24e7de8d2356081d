import Foundation
import GRDB
import Hummingbird

/// A tablet or phone that has reached the kiosk over HTTPS: it trusts the kiosk's CA, so its camera works.
struct HTTPSDeviceRecord: Codable, FetchableRecord, PersistableRecord, SnakeCaseColumns, Sendable {
    static let databaseTableName = "https_device"
    var address: String
    var userAgent: String
    var firstAt: Date
    var lastAt: Date
    enum Columns {
        static let address = Column("address")
    }
}

/// Remembers which devices have come in over HTTPS, for the readiness checklist. One write per address per start.
actor HTTPSDevices {
    let db: AppDatabase
    private var seen: Set<String> = []

    init(db: AppDatabase) { self.db = db }

    func saw(_ address: String, userAgent: String) async {
        guard !seen.contains(address) else { return }
        seen.insert(address)
        try? await db.recordHTTPSDevice(address: address, userAgent: userAgent)
    }
}

extension AppDatabase {
    func recordHTTPSDevice(address: String, userAgent: String) async throws {
        try await write { db in
            let now = Self.writeTime
            if var known = try HTTPSDeviceRecord.fetchOne(db, key: address) {
                known.lastAt = now; known.userAgent = String(userAgent.prefix(200))
                try known.update(db)
            } else {
                try HTTPSDeviceRecord(address: address, userAgent: String(userAgent.prefix(200)), firstAt: now, lastAt: now).insert(db)
            }
        }
    }

    func httpsDeviceCount() async throws -> Int {
        try await read { db in try HTTPSDeviceRecord.fetchCount(db) }
    }
}

/// Notes every request that came in on the HTTPS port.
struct HTTPSDeviceMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let httpsPort: Int
    let devices: HTTPSDevices

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if context.localPort == httpsPort {
            await devices.saw(context.clientAddress, userAgent: request.headers[.userAgent] ?? "")
        }
        return try await next(request, context)
    }
}
