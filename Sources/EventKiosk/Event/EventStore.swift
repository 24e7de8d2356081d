import Foundation
import GRDB

extension AppDatabase {
    static let eventKey = "event"

    /// The event in force, or nil before the first start loaded one.
    public func event() async throws -> EventConfig? {
        try await read { db in try Self.event(db) }
    }

    static func event(_ db: Database) throws -> EventConfig? {
        guard let json = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [eventKey]) else { return nil }
        return try JSON.decoder.decode(EventConfig.self, from: Data(json.utf8))
    }

    /// Stores a validated event as the one in force.
    public func saveEvent(_ config: EventConfig) async throws {
        let problems = config.validate()
        guard problems.isEmpty else { throw EventFileError(source: "event", problems: problems) }
        let json = String(decoding: try JSON.encoder.encode(config), as: UTF8.self)
        try await write { db in
            try db.execute(sql: "INSERT INTO setting(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           arguments: [Self.eventKey, json])
        }
    }
}
