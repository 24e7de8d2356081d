import Foundation
import GRDB
import Synchronization

/// The last decoded event, keyed by its stored JSON (so a change is always seen).
private let eventCache = Mutex<(json: String, event: EventConfig)?>(nil)

extension AppDatabase {
    static let eventKey = "event"

    /// The event in force, or nil before the first start loaded one.
    public func event() async throws -> EventConfig? {
        if let known = memo.knownEvent() { return known }
        let generation = memo.generation()
        let event = try await read { db in try Self.event(db) }
        memo.remember(event: event, readAt: generation)
        return event
    }

    /// The event in force, or 404 when none is loaded: what a route that needs one answers.
    func eventInForce() async throws -> EventConfig {
        guard let event = try await event() else { throw DomainError.notFound("尚未加载活动 / No event loaded") }
        return event
    }

    static func event(_ db: Database) throws -> EventConfig? {
        guard let json = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [eventKey]) else { return nil }
        // Every scan checks its door against the event: decode the stored JSON once per change, not once per scan.
        if let hit = eventCache.withLock({ $0?.json == json ? $0?.event : nil }) { return hit }
        let event = try JSON.decoder.decode(EventConfig.self, from: Data(json.utf8))
        eventCache.withLock { $0 = (json, event) }
        return event
    }

    /// Stores a validated event as the one in force.
    public func saveEvent(_ config: EventConfig) async throws {
        let problems = config.validate()
        guard problems.isEmpty else { throw EventFileError(source: "event", problems: problems) }
        let json = String(decoding: try JSON.encoder.encode(config), as: UTF8.self)
        defer { memo.forgetEvent() }
        try await write { db in
            try Self.setSetting(db, Self.eventKey, json)
            // The wheel's seed is committed when the event opens, and revealed only when it is closed.
            if try Self.setting(db, Self.wheelSeedKey) == nil {
                try Self.createWheelSeed(db, vault: vault)
            }
        }
    }

    static let wheelSeedKey = "wheel_seed"
    static let closedKey = "closed_at"

    static func setting(_ db: Database, _ key: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM setting WHERE key = ?"), arguments: [key])
    }

    static func setSetting(_ db: Database, _ key: String, _ value: String) throws {
        try db.execute(
            sql: "INSERT INTO setting(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            arguments: [key, value])
    }

    /// Refuses a change once the event day has been closed.
    static func requireOpen(_ db: Database) throws {
        if try setting(db, closedKey) != nil {
            throw DomainError(.conflict, "event_closed", "活动已结束，不能再更改 / The event is closed; nothing more can be changed")
        }
    }

    func isClosed() async throws -> Bool {
        try await read { db in try Self.setting(db, Self.closedKey) != nil }
    }

    /// Ends the event day: no more check-ins, orders, spins or draws; the wheel seed is revealed.
    func closeEvent() async throws -> String {
        try await write { db in
            try Self.requireOpen(db)
            let now = Self.writeTime
            try Self.setSetting(db, Self.closedKey, ISO8601DateFormatter().string(from: now))
            // The reveal: from now on the seed is public, in clear, so anyone can recompute every spin.
            let seed = try Self.wheelSeed(db, vault: vault).hexString
            try Self.setSetting(db, Self.wheelSeedKey, seed)
            try AuditLog.append(db, kind: "event_closed", ["wheel_seed": seed])
            return seed
        }
    }
}
