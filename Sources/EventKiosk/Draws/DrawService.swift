import Foundation
import GRDB
import KioskFormats

extension AppDatabase {
    /// Step 1: one of the event file's draws, once; a fresh seed from the OS CSPRNG, its SHA-256 published at once.
    /// The pool and the counts are the event's: nobody in the room can make a draw of their own or run one twice.
    func createDraw(name: String, pool: String?, winners: Int?, alternates: Int?) async throws -> DrawRecord {
        try await write { db in
            try Self.requireOpen(db)
            guard let event = try Self.event(db) else { throw DomainError.notFound("尚未加载活动 / No event loaded") }
            guard let planned = event.draws.first(where: { $0.name == name }) else {
                throw DomainError(
                    .invalid, "unknown_draw",
                    "活动设置里没有这个抽奖：\(name.prefix(40)) / "
                        + "No draw of that name in the event; the event's draws are: \(event.draws.map(\.name).joined(separator: ", "))"
                )
            }
            for (field, given, expected) in [
                ("pool", pool, planned.pool), ("winners", winners.map(String.init), String(planned.winners)),
                ("alternates", alternates.map(String.init), String(planned.alternates)),
            ] {
                if let given, given != expected {
                    throw DomainError(
                        .invalid, "draw_mismatch",
                        "\(field) 须与活动设置一致（\(expected)）/ \(field) must be the event's \(expected), got \(given)")
                }
            }
            if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM draw WHERE name = ?", arguments: [name]) ?? 0 > 0 {
                throw DomainError(.conflict, "draw_exists", "「\(name)」已经创建过，不能重抽 / \(name) has already been created: a draw happens once")
            }
            let (pool, winners, alternates) = (planned.pool, planned.winners, planned.alternates)
            let seed = randomBytes(32)
            try db.execute(
                sql: """
                    INSERT INTO draw(name, pool, winners_count, alternates_count, seed, commitment, state, created_at) VALUES (?,?,?,?,?,?,'created',?)
                    """, arguments: [name, pool, winners, alternates, try vault.seal(seed), sha256Hex(seed), Self.writeTime])
            let id = db.lastInsertedRowID
            try AuditLog.append(db, kind: "draw_created", ["draw_id": "\(id)", "name": name, "pool": pool, "commitment": sha256Hex(seed)])
            return try Self.drawRecord(db, id)
        }
    }

    /// Step 2: the entrants are fixed, sorted and digested.
    func freezeDraw(id: Int64) async throws -> DrawRecord {
        try await write { db in
            try Self.requireOpen(db)
            let draw = try Self.drawRow(db, id)
            guard draw["state"] == "created" else { throw DomainError(.conflict, "wrong_state", "抽奖已冻结 / This draw is already frozen") }
            let sql =
                (draw["pool"] as String) == "orders"
                ? "SELECT DISTINCT invitee_id FROM valid_order"
                : "SELECT DISTINCT invitee_id FROM active_checkin"
            let ids = try Int64.fetchAll(db, sql: sql).map(String.init)
            guard !ids.isEmpty else { throw DomainError(.conflict, "no_entrants", "奖池为空，无法冻结 / Nobody is in the pool yet") }
            let (sorted, digest) = FairDraw.entrantsDigest(ids)
            try db.execute(
                sql: "UPDATE draw SET state = 'frozen', entrants = ?, entrants_digest = ?, count = ? WHERE id = ?",
                arguments: [String(decoding: try JSONEncoder().encode(sorted), as: UTF8.self), digest, sorted.count, id])
            try AuditLog.append(db, kind: "draw_frozen", ["draw_id": "\(id)", "entrants_digest": digest, "count": "\(sorted.count)"])
            return try Self.drawRecord(db, id)
        }
    }

    /// Steps 3–4: the salt called out in the room, the shuffle, and the seed revealed. There is no "draw again".
    func runDraw(id: Int64, salt: String) async throws -> DrawRecord {
        try await write { db in
            try Self.requireOpen(db)
            let draw = try Self.drawRow(db, id)
            guard draw["state"] == "frozen" else {
                throw DomainError(
                    .conflict, "wrong_state",
                    draw["state"] == "created"
                        ? "请先冻结名单 / "
                            + "Freeze the entrants first" : "抽奖已完成，不能重抽 / This draw has been run; it cannot be run again")
            }
            let entrants = try JSONDecoder().decode([String].self, from: Data((draw["entrants"] as String).utf8))
            let winners: Int = draw["winners_count"], alternates: Int = draw["alternates_count"]
            let seed: Data
            do { seed = try vault.open(draw["seed"]) } catch { throw Self.seedUnavailable(error) }
            let picked = FairDraw.shuffle(sorted: entrants, digest: draw["entrants_digest"], salt: salt, seed: seed, picks: winners + alternates)
            let w = Array(picked.prefix(winners)), a = Array(picked.dropFirst(winners))
            let enc = JSONEncoder()
            var names: [String: [String]] = [:]
            for id in picked {
                if let key = Int64(id), let invitee = try InviteeRecord.fetchOne(db, key: key) {
                    names[id] = [NameMask.mask(invitee.name), String(invitee.phone.suffix(4))]
                }
            }
            // Run: the seed is revealed, in clear from now on.
            try db.execute(
                sql: "UPDATE draw SET state = 'done', seed = ?, salt = ?, winners = ?, alternates = ?, names_json = ? WHERE id = ?",
                arguments: [
                    seed, salt, String(decoding: try enc.encode(w), as: UTF8.self), String(decoding: try enc.encode(a), as: UTF8.self),
                    String(decoding: try enc.encode(names), as: UTF8.self), id,
                ])
            try AuditLog.append(db, kind: "draw_run", DrawRunAudit(drawId: id, salt: salt, winners: w, alternates: a, seed: seed.hexString))
            return try Self.drawRecord(db, id)
        }
    }

    struct DrawRunAudit: Encodable { let drawId: Int64; let salt: String; let winners: [String]; let alternates: [String]; let seed: String }

    /// A winner who is not in the room gives way to the next unused alternate; the reason is logged.
    func replaceWinner(drawID: Int64, winner: String, reason: String) async throws -> DrawRecord {
        try await write { db in
            let record = try Self.drawRecord(db, drawID)
            guard record.state == "done", let winners = record.winners, let alternates = record.alternates else {
                throw DomainError(.conflict, "wrong_state", "抽奖尚未完成 / The draw has not been run")
            }
            let replaced = Set(record.replacements.map(\.winner))
            let current = winners + record.replacements.map(\.replacement)
            guard current.contains(winner), !replaced.contains(winner) else {
                throw DomainError(.invalid, "not_a_winner", "\(winner) 不是当前中奖者 / \(winner) is not a current winner")
            }
            let used = Set(record.replacements.map(\.replacement))
            guard let next = alternates.first(where: { !used.contains($0) }) else {
                throw DomainError(.conflict, "no_alternates", "没有剩余候补 / No alternates left")
            }
            var replacement = DrawReplacementRecord(drawId: drawID, winner: winner, replacement: next, reason: reason, at: Self.writeTime)
            try replacement.insert(db)
            try AuditLog.append(db, kind: "draw_replacement", ["draw_id": "\(drawID)", "winner": winner, "replacement": next, "reason": reason])
            return try Self.drawRecord(db, drawID)
        }
    }

    func draw(id: Int64) async throws -> DrawRecord { try await read { db in try Self.drawRecord(db, id) } }

    func draws() async throws -> [DrawRecord] { try await read { db in try Self.draws(db) } }

    static func draws(_ db: Database) throws -> [DrawRecord] {
        try Int64.fetchAll(db, sql: "SELECT id FROM draw ORDER BY id").map { try drawRecord(db, $0) }
    }

    static func drawRow(_ db: Database, _ id: Int64) throws -> Row {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM draw WHERE id = ?", arguments: [id]) else {
            throw DomainError.notFound("没有这个抽奖 / No draw with id \(id)")
        }
        return row
    }

    static func drawRecord(_ db: Database, _ id: Int64) throws -> DrawRecord {
        let r = try drawRow(db, id)
        func list(_ col: String) -> [String]? {
            (r[col] as String?).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) }
        }
        let state: String = r["state"]
        let replacements = try DrawReplacementRecord.filter(DrawReplacementRecord.Columns.drawId == id).order(DrawReplacementRecord.Columns.id)
            .fetchAll(db).map { DrawRecord.Replacement(winner: $0.winner, replacement: $0.replacement, reason: $0.reason) }
        var record = DrawRecord(
            id: id, name: r["name"], pool: r["pool"], state: state, commitment: r["commitment"], entrants: list("entrants"),
            entrantsDigest: r["entrants_digest"], count: r["count"], salt: r["salt"], winners: list("winners"),
            alternates: list("alternates"), seed: state == "done" ? (r["seed"] as Data).hexString : nil,
            winnersCount: r["winners_count"], alternatesCount: r["alternates_count"], replacements: replacements)
        let numbers = try ticketNumbers(db, draw: record.name)
        for id in (record.winners ?? []) + (record.alternates ?? []) { if let n = numbers[id] { record.tickets[id] = n } }
        // The names as they were when the draw ran; a draw run before they were kept reads them from the invitees.
        let kept = (r["names_json"] as String?).flatMap { try? JSONDecoder().decode([String: [String]].self, from: Data($0.utf8)) }
        for id in (record.winners ?? []) + (record.alternates ?? []) {
            if let pair = kept?[id], pair.count == 2 {
                record.names[id] = pair[0]; record.phones[id] = pair[1]
            } else if let key = Int64(id), let invitee = try InviteeRecord.fetchOne(db, key: key) {
                record.names[id] = NameMask.mask(invitee.name); record.phones[id] = String(invitee.phone.suffix(4))
            }
        }
        return record
    }
}
