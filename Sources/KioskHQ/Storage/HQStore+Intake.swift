import Foundation
import KioskFormats
import PostgresNIO

/// What became of a checkpoint or a pack sent in.
public enum IntakeOutcome: Sendable, Equatable {
    case stored(packID: String, inspections: Int)
    case held(packID: String, inspections: Int)
    case fork(n: Int64, message: String)
}

extension HQStore {
    // MARK: - Refusals and forks

    /// A refusal is all that is kept of a refused pack or checkpoint.
    func refuse(kioskID: String?, what: String, problems: [PackProblem]) async {
        guard let json = try? String(decoding: HQJSON.encoder.encode(problems), as: UTF8.self) else { return }
        do {
            _ = try await client.query(
                "INSERT INTO refusal (kiosk_id, what, problems) VALUES (\(kioskID), \(what), \(json)::jsonb)", logger: logger)
        } catch {
            logger.error("could not record a refusal: \(String(reflecting: error))")
        }
    }

    /// What the manufacturer already holds that contradicts `hashes` (entry n → hash) from this kiosk: a checkpoint it
    /// signed, or a chain entry of an earlier pack. Returns the entry, the hash held and the signed note that says so.
    func contradiction(_ conn: PostgresConnection, kioskID: String, hashes: [(Int64, String)]) async throws -> (Int64, String, String)? {
        let ns = hashes.map(\.0), hs = hashes.map(\.1)
        let held = try await conn.query(
            """
            SELECT c.n, c.hash, c.note FROM checkpoint c JOIN unnest(\(ns)::bigint[], \(hs)::text[]) AS p(n, hash) ON c.n = p.n
            WHERE c.kiosk_id = \(kioskID) AND c.hash <> p.hash ORDER BY c.n LIMIT 1
            """, logger: logger)
        for try await row in held.decode((Int64, String, String).self) { return row }
        let chain = try await conn.query(
            """
            SELECT c.n, c.hash, (SELECT note FROM pack WHERE kiosk_id = c.kiosk_id AND audit_count >= c.n ORDER BY received_at LIMIT 1)
            FROM chain_entry c JOIN unnest(\(ns)::bigint[], \(hs)::text[]) AS p(n, hash) ON c.n = p.n
            WHERE c.kiosk_id = \(kioskID) AND c.hash <> p.hash ORDER BY c.n LIMIT 1
            """, logger: logger)
        for try await (n, hash, note) in chain.decode((Int64, String, String?).self) { return (n, hash, note ?? "") }
        return nil
    }

    func recordFork(_ conn: PostgresConnection, kioskID: String, n: Int64, held: (String, String), new: (String, String)) async throws {
        _ = try await conn.query(
            """
            INSERT INTO fork (kiosk_id, n, held_hash, held_statement, new_hash, new_statement)
            VALUES (\(kioskID), \(n), \(held.0), \(held.1), \(new.0), \(new.1))
            """, logger: logger)
    }

    // MARK: - Checkpoints

    /// A verified checkpoint from an enrolled kiosk: stored, already held, or a fork (kept with both statements).
    public func takeIn(checkpoint c: AuditCheckpoint, note: String, kiosk: EnrolledKiosk) async throws -> IntakeOutcome {
        try await transaction { conn in
            _ = try await conn.query("SELECT 1 FROM kiosk WHERE kiosk_id = \(kiosk.kioskID) FOR UPDATE", logger: logger)
            let same = try await conn.query(
                "SELECT hash FROM checkpoint WHERE kiosk_id = \(kiosk.kioskID) AND n = \(c.n)", logger: logger
            ).decode(String.self).reduce(into: [String]()) { $0.append($1) }
            if same.first == c.hash { return .held(packID: "", inspections: 0) }
            if let (n, heldHash, heldNote) = try await contradiction(conn, kioskID: kiosk.kioskID, hashes: [(c.n, c.hash)]) {
                try await recordFork(conn, kioskID: kiosk.kioskID, n: n, held: (heldHash, heldNote), new: (c.hash, note))
                return .fork(n: n, message: "entry \(n): held \(heldHash.prefix(12))…, this checkpoint signs \(c.hash.prefix(12))…")
            }
            _ = try await conn.query(
                "INSERT INTO checkpoint (kiosk_id, n, hash, note) VALUES (\(kiosk.kioskID), \(c.n), \(c.hash), \(note))", logger: logger)
            return .stored(packID: "", inspections: 0)
        }
    }

    // MARK: - Packs

    /// A verified pack: stored whole in one transaction (the pack, its chain, its inspections, items and call tasks, and
    /// the week's aggregates), already held, or a fork. Two processes storing the same pack at once store it once.
    public func takeIn(
        pack: PackContents, note: String, kiosk: EnrolledKiosk, week: String, late: Bool, at receivedAt: Date
    ) async throws
        -> IntakeOutcome
    {
        let rows = IntakeRows.make(pack)
        let manifestJSON = String(decoding: try pack.manifest.canonical(), as: UTF8.self)
        return try await transaction { conn in
            _ = try await conn.query("SELECT 1 FROM kiosk WHERE kiosk_id = \(kiosk.kioskID) FOR UPDATE", logger: logger)
            let existing = try await conn.query("SELECT inspections FROM pack WHERE pack_id = \(pack.manifestSha256)", logger: logger)
                .decode(Int.self).reduce(into: [Int]()) { $0.append($1) }
            if let n = existing.first { return .held(packID: pack.manifestSha256, inspections: n) }
            let chain = pack.audit.map { ($0.seq, $0.hash) } + pack.checkpoints.filter { $0.n > 0 }.map { ($0.n, $0.hash) }
            if let (n, heldHash, heldNote) = try await contradiction(conn, kioskID: kiosk.kioskID, hashes: chain) {
                let newHash = pack.audit.first { $0.seq == n }?.hash ?? "(missing)"
                try await recordFork(conn, kioskID: kiosk.kioskID, n: n, held: (heldHash, heldNote), new: (newHash, note))
                return .fork(n: n, message: "entry \(n): held \(heldHash.prefix(12))…, this pack's chain has \(newHash.prefix(12))…")
            }
            // A held checkpoint beyond this pack's log is no contradiction: the pack is older than it.
            _ = try await conn.query(
                """
                INSERT INTO pack (pack_id, kiosk_id, dealer_code, event_date, week, audit_count, audit_head, inspections, manifest, note, late,
                    received_at)
                VALUES (\(pack.manifestSha256), \(kiosk.kioskID), \(kiosk.dealerCode), \(pack.manifest.event.date)::date, \(week),
                        \(pack.manifest.audit.count), \(pack.manifest.audit.head), \(rows.count), \(manifestJSON)::jsonb, \(note), \(late),
                        \(receivedAt))
                """, logger: logger)
            _ = try await conn.query(
                """
                INSERT INTO chain_entry (kiosk_id, n, hash)
                SELECT \(kiosk.kioskID), n, hash FROM unnest(\(pack.audit.map(\.seq))::bigint[], \(pack.audit.map(\.hash))::text[]) AS p(n, hash)
                ON CONFLICT DO NOTHING
                """, logger: logger)
            for c in pack.checkpoints {
                let text = pack.manifest.checkpoints.first { (try? SignedNote.parse($0).text) == c.text } ?? c.text
                _ = try await conn.query(
                    "INSERT INTO checkpoint (kiosk_id, n, hash, note) VALUES (\(kiosk.kioskID), \(c.n), \(c.hash), \(text)) ON CONFLICT DO NOTHING",
                    logger: logger)
            }
            try await storeInspections(conn, rows, pack: pack, kiosk: kiosk)
            let weeks = Array(Set(rows.map(\.week) + [week])).sorted()
            try await refreshAggregates(conn, dealer: kiosk.dealerCode, weeks: weeks)
            return .stored(packID: pack.manifestSha256, inspections: rows.count)
        }
    }

    /// The pack's inspections in batches (one statement per table and batch, arrays bound as parameters): a newer pack
    /// of the same kiosk replaces an inspection's row and items; an older one never does.
    func storeInspections(_ conn: PostgresConnection, _ rows: [IntakeInspection], pack: PackContents, kiosk: EnrolledKiosk) async throws {
        let names = Dictionary(pack.items.map { ($0.no, $0.name) }, uniquingKeysWith: { a, _ in a })
        if !names.isEmpty {
            let nos = names.keys.sorted()
            _ = try await conn.query(
                "INSERT INTO item_name (no, name) SELECT * FROM unnest(\(nos)::int[], \(nos.map { names[$0]! })::text[]) ON CONFLICT DO NOTHING",
                logger: logger)
        }
        for batch in stride(from: 0, to: rows.count, by: 2000).map({ Array(rows[$0..<min($0 + 2000, rows.count)]) }) {
            let r = batch.map(\.row)
            var ids: [Int64: Int64] = [:]
            let returned = try await conn.query(
                """
                INSERT INTO inspection (kiosk_id, kiosk_inspection_id, client_id, pack_id, dealer_code, week, at, technician, plate, vin, model,
                    customer_name, customer_phone, consent_hq_call, gift, sticker, advise, urgent, urgent_items, declined_items,
                    parts_yuan, labour_yuan, repairs, content_sha256, followup_due, followup_done_at, source_count)
                SELECT \(kiosk.kioskID), u.kid, u.cid, \(pack.manifestSha256), \(kiosk.dealerCode), u.week, u.at, u.tech, u.plate, u.vin, u.model,
                    u.cname, u.cphone, u.consent, u.gift, u.sticker, u.advise, u.urgent, u.uitems, u.ditems, u.parts, u.labour, u.repairs, u.sha,
                    nullif(u.due, '')::timestamptz, nullif(u.done, '')::timestamptz, \(pack.manifest.audit.count)
                FROM unnest(
                    \(r.map(\.inspectionId))::bigint[], \(r.map(\.clientId))::text[], \(batch.map(\.week))::text[],
                    \(r.map { Stamp.text($0.at) })::timestamptz[], \(r.map(\.technician))::text[], \(r.map(\.plate))::text[],
                    \(r.map(\.vin))::text[], \(r.map(\.model))::text[], \(r.map(\.customerName))::text[], \(r.map(\.customerPhone))::text[],
                    \(r.map(\.consentHqCall))::bool[], \(r.map(\.gift))::bool[], \(r.map(\.sticker))::bool[], \(r.map(\.advise))::int[],
                    \(r.map(\.urgent))::int[], \(batch.map(\.urgentItems))::text[], \(batch.map(\.declinedItems))::text[],
                    \(batch.map { Int64($0.partsYuan) })::bigint[], \(batch.map { Int64($0.labourYuan) })::bigint[], \(batch.map(\.repairs))::int[],
                    \(r.map(\.contentSha256))::text[], \(batch.map { $0.followUpDue.map(Stamp.text) ?? "" })::text[],
                    \(batch.map { $0.followUpDoneAt.map(Stamp.text) ?? "" })::text[])
                AS u(kid, cid, week, at, tech, plate, vin, model, cname, cphone, consent, gift, sticker, advise, urgent, uitems, ditems, parts,
                    labour, repairs, sha, due, done)
                ON CONFLICT (kiosk_id, client_id) DO UPDATE SET
                    pack_id = EXCLUDED.pack_id, week = EXCLUDED.week, at = EXCLUDED.at, technician = EXCLUDED.technician, plate = EXCLUDED.plate,
                    vin = EXCLUDED.vin, model = EXCLUDED.model, customer_name = EXCLUDED.customer_name,
                    customer_phone = EXCLUDED.customer_phone, consent_hq_call = EXCLUDED.consent_hq_call, gift = EXCLUDED.gift,
                    sticker = EXCLUDED.sticker, advise = EXCLUDED.advise, urgent = EXCLUDED.urgent, urgent_items = EXCLUDED.urgent_items,
                    declined_items = EXCLUDED.declined_items, parts_yuan = EXCLUDED.parts_yuan, labour_yuan = EXCLUDED.labour_yuan,
                    repairs = EXCLUDED.repairs, content_sha256 = EXCLUDED.content_sha256, followup_due = EXCLUDED.followup_due,
                    followup_done_at = EXCLUDED.followup_done_at, source_count = EXCLUDED.source_count
                    WHERE inspection.source_count <= EXCLUDED.source_count
                RETURNING id, kiosk_inspection_id
                """, logger: logger
            )
            for try await (id, kioskInspection) in returned.decode((Int64, Int64).self) { ids[kioskInspection] = id }
            guard !ids.isEmpty else { continue }
            let items = batch.flatMap(\.items).filter { ids[$0.inspectionId] != nil }
            _ = try await conn.query("DELETE FROM inspection_item WHERE inspection_id = ANY(\(Array(ids.values))::bigint[])", logger: logger)
            _ = try await conn.query(
                """
                INSERT INTO inspection_item (inspection_id, no, status, decision, parts_yuan, labour_yuan)
                SELECT * FROM unnest(\(items.map { ids[$0.inspectionId]! })::bigint[], \(items.map(\.no))::int[], \(items.map(\.status))::text[],
                    \(items.map(\.decision))::text[], \(items.map { Int64($0.partsYuan) })::bigint[], \(items.map { Int64($0.labourYuan) })::bigint[])
                """, logger: logger)
            _ = try await conn.query(
                """
                INSERT INTO call_task (inspection_id, dealer_code, week)
                SELECT id, dealer_code, week FROM inspection
                WHERE id = ANY(\(Array(ids.values))::bigint[]) AND consent_hq_call AND customer_phone <> ''
                ON CONFLICT (inspection_id) DO NOTHING
                """, logger: logger)
        }
    }

    /// The national views' aggregates for one dealer's weeks, recomputed from its stored inspections inside the intake's
    /// transaction, so the 汇总表 reads a few hundred rows whatever the nation's size.
    func refreshAggregates(_ conn: PostgresConnection, dealer: String, weeks: [String]) async throws {
        _ = try await conn.query("DELETE FROM week_dealer WHERE dealer_code = \(dealer) AND week = ANY(\(weeks)::text[])", logger: logger)
        _ = try await conn.query(
            """
            INSERT INTO week_dealer (week, dealer_code, inspections, urgent_vehicles, followups_due, followups_done_7d, gifts, stickers, repairs,
                parts_yuan, labour_yuan, first_pack_at, late)
            SELECT w.week, \(dealer), count(i.id), count(i.id) FILTER (WHERE i.urgent > 0), count(i.followup_due),
                count(i.id) FILTER (WHERE i.followup_done_at <= i.followup_due), count(i.id) FILTER (WHERE i.gift),
                count(i.id) FILTER (WHERE i.sticker), coalesce(sum(i.repairs), 0)::int, coalesce(sum(i.parts_yuan), 0)::bigint,
                coalesce(sum(i.labour_yuan), 0)::bigint,
                coalesce((SELECT min(received_at) FROM pack WHERE dealer_code = \(dealer) AND week = w.week), now()),
                NOT EXISTS (SELECT 1 FROM pack WHERE dealer_code = \(dealer) AND week = w.week AND NOT late)
            FROM unnest(\(weeks)::text[]) AS w(week) LEFT JOIN inspection i ON i.dealer_code = \(dealer) AND i.week = w.week
            GROUP BY w.week
            """, logger: logger)
        _ = try await conn.query("DELETE FROM week_item WHERE dealer_code = \(dealer) AND week = ANY(\(weeks)::text[])", logger: logger)
        _ = try await conn.query(
            """
            INSERT INTO week_item (week, dealer_code, no, advise, urgent)
            SELECT i.week, \(dealer), it.no, count(*) FILTER (WHERE it.status = 'advise'), count(*) FILTER (WHERE it.status = 'urgent')
            FROM inspection i JOIN inspection_item it ON it.inspection_id = i.id
            WHERE i.dealer_code = \(dealer) AND i.week = ANY(\(weeks)::text[]) AND it.status IN ('advise', 'urgent')
            GROUP BY i.week, it.no
            """, logger: logger)
    }
}
