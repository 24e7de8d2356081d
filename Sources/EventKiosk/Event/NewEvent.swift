import Foundation
import GRDB
import KioskFormats

/// A dealer's own event (issue 24): the day in force is copied whole into `<data>/set-aside/` and then cleared, and a
/// fresh event starts with no guests, orders, spins, draws or inspections. Staff, their sign-ins and trusted devices,
/// the tablets' HTTPS devices, the backup folder and the manufacturer's queue stay: they belong to the dealer, not to
/// one day. The copy and the clearing happen under one barrier, so no write falls between them.
///
/// The laptop keeps one audit chain across its days: the new day's log starts after the last entry of the day set
/// aside (`audit_base`), and that entry is signed as a checkpoint first, so what the manufacturer holds from this laptop
/// is never contradicted by the next day.
public struct SetAsideDay: Codable, Sendable, Equatable {
    /// The copy's file name without `.sqlite`: what a restore names.
    public let id: String
    public let name: String
    public let date: String
    /// Invitees and walk-ins in that day.
    public let guests: Int
    public let setAsideAt: Date
}

/// The short form of 新活动: the rest takes the defaults the admin page shows (`EventConfig.starter`).
struct NewEventForm: Decodable, Sendable {
    var name: String?
    var date: String?
    var venue: String?
    var doors: [String]?
    var startTime: String?
    var endTime: String?
    /// The demo day with its guests, for training (its own day, never mixed with real guests).
    var demo: Bool?
}

extension EventConfig {
    /// A new event from the form, on the seed plan's defaults (the demo file's tiers, starter prizes, draw, survey and
    /// models), with nothing of the demo's own day: no buses, reminder texts, goals or guests. The dealer's name and
    /// public address carry over from the event in force.
    static func starter(_ form: NewEventForm, defaults: EventConfig, current: EventConfig?) -> EventConfig {
        var e = defaults
        e.name = form.name?.trimmedOrNil ?? ""
        e.date = form.date?.trimmedOrNil ?? ""
        e.venue = form.venue?.trimmedOrNil ?? ""
        e.doors = (form.doors ?? []).compactMap(\.trimmedOrNil)
        e.startTime = form.startTime?.trimmedOrNil ?? defaults.startTime
        e.endTime = form.endTime?.trimmedOrNil ?? defaults.endTime
        e.dealer = current?.dealer ?? defaults.dealer
        e.publicUrl = current?.publicUrl
        e.buses = nil
        e.campaign = nil
        e.inviteesFile = nil
        return e
    }
}

extension EventConfig {
    /// Codes the admin left empty, made for them (issue 24: a code is a key, not something a hurried person should
    /// invent): prizes `p1`, `p2`…, survey questions `q1`, `q2`…, never one already in use.
    func fillingCodes() -> EventConfig {
        func next(_ prefix: String, _ taken: inout Set<String>) -> String {
            var k = 1
            while taken.contains("\(prefix)\(k)") { k += 1 }
            taken.insert("\(prefix)\(k)")
            return "\(prefix)\(k)"
        }
        var e = self
        var prizeIDs = Set(e.wheel.prizes.map(\.id))
        for i in e.wheel.prizes.indices where e.wheel.prizes[i].id.trimmed.isEmpty { e.wheel.prizes[i].id = next("p", &prizeIDs) }
        if var survey = e.survey {
            var questionIDs = Set(survey.questions.map(\.id))
            for i in survey.questions.indices where survey.questions[i].id.trimmed.isEmpty { survey.questions[i].id = next("q", &questionIDs) }
            e.survey = survey
        }
        return e
    }
}

extension AppDatabase {
    /// Tables that outlive a day.
    static let keptTables: Set<String> = [
        "setting", "staff", "session", "trusted_device", "https_device", "hq_outbox", "invited_count", "grdb_migrations",
    ]
    /// Settings that outlive a day; the rest (the event, its seeds, the close, the checklist's ticks) go with it.
    static let keptSettings: Set<String> = [backupFolderKey, restoreCheckedKey, templateKey]

    /// Sets the day in force aside into `folder` and starts `event` in its place; returns what was set aside.
    func startNewEvent(_ event: EventConfig, setAsideInto folder: URL) async throws -> SetAsideDay {
        let problems = event.validate()
        guard problems.isEmpty else { throw DomainError.invalidEvent(problems) }
        let json = String(decoding: try JSON.encoder.encode(event), as: UTF8.self)
        let (identity, vault, clock, actor) = (self.identity, self.vault, self.clock, AuditLog.actor)
        let enrolled = identity.keep.enrolment() != nil
        defer { memo.forgetAll() }
        let (day, signed) = try await dbWriter.barrierWriteWithoutTransaction { db -> (SetAsideDay, SignedCheckpoint) in
            try AuditLog.$actor.withValue(actor) {
                try KioskClock.$writeTime.withValue(clock.now()) {
                    let (file, signed) = try Self.copyAside(db, into: folder, identity: identity, enrolled: enrolled)
                    try db.inTransaction {
                        try Self.clearDay(db)
                        let start = signed.record
                        try Self.setSetting(db, AuditLog.baseKey, "\(start.n) \(start.hash)")
                        try Self.setSetting(db, "log_id", randomBytes(16).hexString)
                        // The checkpoint the new log starts from goes with it (the manufacturer's pack proves its start).
                        var kept = CheckpointRecord(n: start.n, hash: start.hash, note: start.note, at: start.at, reason: "day_start")
                        try kept.insert(db)
                        try Self.setSetting(db, Self.eventKey, json)
                        try Self.createWheelSeed(db, vault: vault)
                        try AuditLog.append(
                            db, kind: "event_started",
                            NewEventEntry(name: event.name, date: event.date, setAside: file.deletingPathExtension().lastPathComponent))
                        return .commit
                    }
                    return (try Self.setAsideDay(file), signed)
                }
            }
        }
        keepBesideKey(signed)
        return day
    }

    /// Inside the barrier: the day's last entry signed (so a next day's log can start from it), then the whole day
    /// copied into `folder`.
    static func copyAside(_ db: Database, into folder: URL, identity: KioskIdentity, enrolled: Bool) throws -> (URL, SignedCheckpoint) {
        var signed: SignedCheckpoint?
        try db.inTransaction {
            signed = try signCheckpoint(db, identity: identity, reason: "set_aside", enrolled: enrolled)
            return .commit
        }
        // Owner only, like the data folder it sits in: each copy holds a whole day's guests.
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder.path)
        let file = try writeCopy(toFolder: folder, now: writeTime) { copy in try copy.writeWithoutTransaction { c in try db.backup(to: c) } }
        return (file, signed!)
    }

    struct NewEventEntry: Encodable { let name, date, setAside: String }

    /// Empties every table of the day, whatever tables later migrations add, and the day's settings.
    static func clearDay(_ db: Database) throws {
        try db.execute(sql: "PRAGMA defer_foreign_keys = ON")
        // The log is append-only; its entries are in the copy just made, and the new day's log goes on from them.
        try db.execute(sql: "DROP TRIGGER audit_no_delete")
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        for table in tables where !keptTables.contains(table) { try db.execute(sql: "DELETE FROM \(table.quotedDatabaseIdentifier)") }
        try db.execute(
            sql: "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")
        try db.execute(sql: "UPDATE invited_count SET n = 0")
        let settings = try String.fetchAll(db, sql: "SELECT key FROM setting")
        for key in settings where !keptSettings.contains(key) { try db.execute(sql: "DELETE FROM setting WHERE key = ?", arguments: [key]) }
    }

    /// The days set aside in `folder`, newest first.
    static func setAsideDays(in folder: URL) -> [SetAsideDay] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasPrefix("kiosk-") && $0.hasSuffix(".sqlite") }.sorted().reversed()
            .compactMap { try? setAsideDay(folder.appendingPathComponent($0)) }
    }

    /// What a set-aside copy holds: its event's name and date, and its guests.
    static func setAsideDay(_ file: URL) throws -> SetAsideDay {
        var config = Configuration()
        config.readonly = true
        let queue = try DatabaseQueue(path: file.path, configuration: config)
        defer { try? queue.close() }
        let (event, guests) = try queue.read { db in
            (try Self.event(db), try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invitee") ?? 0)
        }
        let at = (try? FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as? Date) ?? Date(timeIntervalSince1970: 0)
        return SetAsideDay(
            id: file.deletingPathExtension().lastPathComponent, name: event?.name ?? "", date: event?.date ?? "", guests: guests, setAsideAt: at)
    }

    /// Brings a set-aside day back: the day in force is set aside first (nothing is lost), then the copy replaces it,
    /// under one barrier, and what outlives a day is carried over from the day set aside now (`carryOver`). The copy is
    /// renamed `….restored` so it is not listed twice. Returns the day set aside now.
    func restoreSetAside(id: String, folder: URL) async throws -> SetAsideDay {
        guard id.hasPrefix("kiosk-"), !id.contains("/"), !id.contains(".."),
            FileManager.default.fileExists(atPath: folder.appendingPathComponent("\(id).sqlite").path)
        else { throw DomainError.notFound("没有这个存档 / No set-aside day \(id)") }
        let source = folder.appendingPathComponent("\(id).sqlite")
        let aside = try await bringBack(source, setAsideInto: folder)
        try FileManager.default.moveItem(at: source, to: folder.appendingPathComponent("\(id).sqlite.restored"))
        return aside
    }

    /// A checked copy (a set-aside day, or a backup) in place of the day in force, which is set aside into `folder`
    /// first, under one barrier; then migrated, gone on from the laptop's head, and given what outlives a day.
    func bringBack(_ source: URL, setAsideInto folder: URL) async throws -> SetAsideDay {
        _ = try Self.checkBackup(source)
        defer { memo.forgetAll() }
        let (clock, identity, enrolled) = (self.clock, self.identity, identity.keep.enrolment() != nil)
        let (aside, signed) = try await dbWriter.barrierWriteWithoutTransaction { db -> (URL, SignedCheckpoint) in
            try KioskClock.$writeTime.withValue(clock.now()) {
                let (aside, signed) = try Self.copyAside(db, into: folder, identity: identity, enrolled: enrolled)
                var config = Configuration()
                config.readonly = true
                let copy = try DatabaseQueue(path: source.path, configuration: config)
                defer { try? copy.close() }
                try copy.read { src in try src.backup(to: db) }
                return (aside, signed)
            }
        }
        keepBesideKey(signed)
        try Self.migrator.migrate(dbWriter)  // a day set aside by an older kiosk
        try await goOn(from: signed.record)
        try await carryOver(from: aside)
        return try Self.setAsideDay(aside)
    }

    /// The day brought back goes on from the laptop's head (the day just set aside reached further), so its next entry
    /// follows the newest one the manufacturer may hold; the checkpoint of that head comes with it, to prove the jump.
    func goOn(from head: CheckpointRecord) async throws {
        try await write { db in
            let own = try AuditLog.head(db)
            guard head.n > own.n else { return }
            let jumps = try AuditLog.jumps(db) + [PackManifest.Jump(after: own.n, n: head.n, hash: head.hash)]
            try Self.setSetting(db, AuditLog.jumpsKey, String(decoding: try JSON.encoder.encode(jumps), as: UTF8.self))
            var kept = CheckpointRecord(n: head.n, hash: head.hash, note: head.note, at: head.at, reason: "day_back")
            try kept.insert(db)
        }
    }

    /// What outlives a day comes with the day brought back, as it is now: staff and their sign-ins (the admin stays
    /// signed in), trusted devices, the manufacturer's queue, and the settings kept across days.
    func carryOver(from file: URL) async throws {
        try await dbWriter.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS now_day", arguments: [file.path])
            defer { try? db.execute(sql: "DETACH DATABASE now_day") }
            try db.inTransaction {
                try db.execute(sql: "PRAGMA defer_foreign_keys = ON")
                for table in Self.keptTables.subtracting(["setting", "invited_count", "grdb_migrations"]).sorted() {
                    let columns = try Row.fetchAll(db, sql: "PRAGMA main.table_info(\(table.quotedDatabaseIdentifier))")
                        .map { ($0["name"] as String).quotedDatabaseIdentifier }.joined(separator: ", ")
                    let name = table.quotedDatabaseIdentifier
                    try db.execute(sql: "DELETE FROM main.\(name)")
                    try db.execute(sql: "INSERT INTO main.\(name) (\(columns)) SELECT \(columns) FROM now_day.\(name)")
                }
                for key in Self.keptSettings.subtracting([Self.templateKey]).sorted() {
                    try db.execute(sql: "DELETE FROM main.setting WHERE key = ?", arguments: [key])
                    try db.execute(
                        sql: "INSERT INTO main.setting (key, value) SELECT key, value FROM now_day.setting WHERE key = ?", arguments: [key])
                }
                return .commit
            }
        }
    }
}
