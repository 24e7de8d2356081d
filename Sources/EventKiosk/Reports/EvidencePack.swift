import Foundation
import GRDB
import KioskFormats

extension AppDatabase {
    /// The wheel's public record: commitment, seed (once the event is closed), prizes with their stock, every spin.
    func wheelRecord() async throws -> DrawVerifier.WheelRecord { try await read { db in try Self.wheelRecord(db) } }

    /// The wheel's public record in one read (the pack for the manufacturer reads it in its own transaction).
    static func wheelRecord(_ db: Database) throws -> DrawVerifier.WheelRecord {
        guard let event = try Self.event(db) else { throw DomainError.notFound("尚未加载活动 / No event loaded") }
        let spins = try SpinRecord.order(SpinRecord.Columns.number).fetchAll(db).map(Self.spinView)
        // Edits before the first spin are the day's starting stock; later ones are replayed by the verifier.
        let changes = try StockChangeRecord.order(StockChangeRecord.Columns.id).fetchAll(db).map(\.published).filter { $0.afterSpin > 0 }
        // Each prize starts from its stock before the first later change (0 for a prize added during the day).
        let initial = event.wheel.prizes.map { p in changes.first { $0.prize == p.id }?.oldStock ?? p.stock }
        return .init(
            commitment: try Self.wheelCommitment(db), seed: try Self.revealedWheelSeed(db),
            prizes: zip(event.wheel.prizes, initial).map { .init(id: $0.id, stock: $1) },
            spins: spins.map { .init(number: $0.number, prize: .init(id: $0.prize.id)) },
            stockChanges: changes.isEmpty ? nil : changes)
    }
}

/// One ZIP for the manufacturer and the dealer's records (`kiosk export`): every table as CSV (UTF-8 with BOM),
/// the audit log as JSON lines, the draw and wheel records with what the verifier says of them, and a summary page.
public enum EvidencePack {
    /// Tables whose CSV gets the contract's file name; every other table keeps its own name.
    static let names = [
        "invitee": "invitees.csv", "checkin": "checkins.csv", "sale_order": "orders.csv", "spin": "spins.csv",
        "inspection": "inspections.csv", "followup": "followups.csv",
    ]
    /// Not evidence: sign-in secrets and SQLite's own bookkeeping.
    static let skipped: Set<String> = ["session", "grdb_migrations"]

    public static func build(db: AppDatabase, now: Date? = nil) async throws -> Data {
        let now = now ?? db.now()
        var zip = ZipWriter(date: now)
        let tables = try await db.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                .filter { !skipped.contains($0) }
                .map { name -> (String, Data) in (names[name] ?? "\(name).csv", try csv(db, table: name)) }
        }
        for (name, data) in tables { zip.add(name, data) }

        let audit = try await db.auditRows()
        zip.add("audit.jsonl", try jsonLines(audit))
        let draws = try await db.draws()
        zip.add("draws.json", try JSON.encoder.encode(draws))
        let wheel = try await db.wheelRecord()
        zip.add("wheel.json", try JSON.encoder.encode(wheel))

        var verify = ["EventKiosk evidence pack, \(ISO8601DateFormatter().string(from: now))", ""]
        let auditProblems = AuditLog.verify(audit, from: try await db.auditBase(), jumps: try await db.auditJumps())
        verify.append(
            auditProblems.isEmpty
                ? "audit.jsonl: OK, \(audit.count) entries, hash chain intact" : "audit.jsonl: MISMATCH\n  " + auditProblems.joined(separator: "\n  ")
        )
        for d in draws {
            let p = DrawVerifier.verify(draw: d)
            verify.append("draws.json #\(d.id) \(d.name): " + (p.isEmpty ? "OK" : "MISMATCH\n  " + p.joined(separator: "\n  ")))
        }
        let wp = DrawVerifier.verify(wheel: wheel)
        verify.append("wheel.json: " + (wp.isEmpty ? "OK, \(wheel.spins.count) spins" : wp.joined(separator: "\n  ")))
        verify.append("")
        verify.append(
            "Check them yourself: kiosk verify-draw wheel.json · kiosk verify-draw draws.json (one draw per file) · python3 tools/fair_reference.py FILE"
        )
        zip.add("verify.txt", Data(verify.joined(separator: "\n").utf8))
        zip.add("report.html", Data(DayReportPage.render(try await DayReport.gather(db: db, now: now)).utf8))
        return zip.finish()
    }

    /// The audit log as JSON lines, one entry per line, each line ending in `\n`.
    static func jsonLines(_ rows: [AuditRow]) throws -> Data {
        Data(try rows.map { String(decoding: try JSON.encoder.encode($0), as: UTF8.self) + "\n" }.joined().utf8)
    }

    /// A stored value as a CSV cell: numbers and text as they are, NULL empty, blobs (signatures, photos) as their size.
    static func cell(_ value: DatabaseValue?) -> String {
        switch value?.storage {
        case nil, .null?: ""
        case .int64(let i)?: String(i)
        case .double(let d)?: String(d)
        case .string(let s)?: s
        case .blob(let b)?: "<\(b.count) bytes>"
        }
    }

    /// One table as CSV, every column, in row order; blobs (signatures, photos, seeds) as their size.
    static func csv(_ db: Database, table: String) throws -> Data {
        let columns = try db.columns(in: table).map(\.name)
        // The wheel's seed stays secret until the event is closed (it would let anyone predict the spins).
        let closed = try AppDatabase.setting(db, AppDatabase.closedKey) != nil
        let hideSeed = table == "setting" && !closed
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\" ORDER BY rowid").map { row -> [String] in
            if hideSeed, row["key"] == AppDatabase.wheelSeedKey { return ["wheel_seed", "(secret until the event is closed)"] }
            return columns.map { c in cell(row[c]) }
        }
        return CSVWriter.document(header: columns, rows: rows)
    }
}
