import Foundation
import KioskFormats
import PostgresNIO

/// The national 汇总表 of one week (CONTRACT "The manufacturer's service").
public struct WeekSummary: Codable, Sendable, Equatable {
    public struct Dealer: Codable, Sendable, Equatable {
        public var dealerCode: String
        public var name: String
        public var region: String
        public var inspections: Int
        public var urgentVehicles: Int
        public var followupsDue: Int
        public var followupsDone7d: Int
        public var late: Bool
        /// No pack of that week has arrived (late once its deadline has passed).
        public var missing: Bool
        public var gifts: Int
        public var stickers: Int
        public var callsDone: Int
        public var confirmed: Int
        public var denied: Int
        public var truthRate: Double?

        enum CodingKeys: String, CodingKey {
            case dealerCode, name, region, inspections, urgentVehicles, followupsDue, late, missing, gifts, stickers, callsDone, confirmed
            case denied, truthRate
            case followupsDone7d = "followupsDone_7d"
        }
    }
    public struct Item: Codable, Sendable, Equatable { public var no: Int; public var name: String; public var advise: Int; public var urgent: Int }
    public var week: String
    public var deadline: Date
    public var dealers: [Dealer]
    public var items: [Item]
}

/// The 营业收入状况分析表 rolled up: per dealer and week, what was found and what was repaired.
public struct RevenueRow: Codable, Sendable, Equatable {
    public var week: String
    public var dealerCode: String
    public var name: String
    public var region: String
    public var inspections: Int
    public var defects: Int
    public var repairs: Int
    public var partsYuan: Int64
    public var labourYuan: Int64
}

public struct PackListing: Codable, Sendable, Equatable {
    public var packId: String
    public var kioskId: String
    public var eventDate: String
    public var week: String
    public var inspections: Int
    public var auditCount: Int64
    public var receivedAt: Date
    public var late: Bool
}

public struct ForkListing: Codable, Sendable, Equatable {
    public var id: Int64
    public var kioskId: String
    public var dealerCode: String
    public var n: Int64
    public var heldHash: String
    public var heldStatement: String
    public var newHash: String
    public var newStatement: String
    public var foundAt: Date
}

public struct RefusalListing: Codable, Sendable, Equatable {
    public var id: Int64
    public var kioskId: String?
    public var what: String
    public var problems: [PackProblem]
    public var receivedAt: Date
}

extension HQStore {
    public func summary(week: String, region: String?, deadline: Date, now: Date = Date()) async throws -> WeekSummary {
        let rows = try await client.query(
            """
            SELECT d.code, d.name, d.region, coalesce(w.inspections, 0), coalesce(w.urgent_vehicles, 0), coalesce(w.followups_due, 0),
                coalesce(w.followups_done_7d, 0), w.late, coalesce(w.gifts, 0), coalesce(w.stickers, 0),
                coalesce(t.done, 0), coalesce(t.confirmed, 0), coalesce(t.denied, 0)
            FROM dealer d
            LEFT JOIN week_dealer w ON w.dealer_code = d.code AND w.week = \(week)
            LEFT JOIN (
                SELECT dealer_code, count(*) FILTER (WHERE state = 'done') AS done, count(*) FILTER (WHERE result = 'confirmed') AS confirmed,
                    count(*) FILTER (WHERE result = 'denied') AS denied
                FROM call_task WHERE week = \(week) GROUP BY dealer_code
            ) t ON t.dealer_code = d.code
            WHERE \(region)::text IS NULL OR d.region = \(region)
            ORDER BY d.region, d.code
            """, logger: logger)
        var dealers: [WeekSummary.Dealer] = []
        for try await r in rows.decode((String, String, String, Int, Int, Int, Int, Bool?, Int, Int, Int, Int, Int).self) {
            let answered = r.11 + r.12
            dealers.append(
                .init(
                    dealerCode: r.0, name: r.1, region: r.2, inspections: r.3, urgentVehicles: r.4, followupsDue: r.5, followupsDone7d: r.6,
                    late: r.7 ?? (now > deadline), missing: r.7 == nil, gifts: r.8, stickers: r.9, callsDone: r.10, confirmed: r.11,
                    denied: r.12, truthRate: answered > 0 ? Double(r.11) / Double(answered) : nil))
        }
        let itemRows = try await client.query(
            """
            SELECT n.no, n.name, coalesce(s.advise, 0)::int, coalesce(s.urgent, 0)::int FROM item_name n
            LEFT JOIN (
                SELECT wi.no, sum(wi.advise) AS advise, sum(wi.urgent) AS urgent FROM week_item wi JOIN dealer d ON d.code = wi.dealer_code
                WHERE wi.week = \(week) AND (\(region)::text IS NULL OR d.region = \(region)) GROUP BY wi.no
            ) s ON s.no = n.no
            ORDER BY n.no
            """, logger: logger)
        var items: [WeekSummary.Item] = []
        for try await (no, name, advise, urgent) in itemRows.decode((Int, String, Int, Int).self) {
            items.append(.init(no: no, name: name, advise: advise, urgent: urgent))
        }
        return WeekSummary(week: week, deadline: deadline, dealers: dealers, items: items)
    }

    public func revenue(fromWeek: String, toWeek: String, region: String?, dealer: String?) async throws -> [RevenueRow] {
        let rows = try await client.query(
            """
            SELECT w.week, d.code, d.name, d.region, w.inspections, coalesce(i.defects, 0)::int, w.repairs, w.parts_yuan, w.labour_yuan
            FROM week_dealer w JOIN dealer d ON d.code = w.dealer_code
            LEFT JOIN (SELECT week, dealer_code, sum(advise + urgent) AS defects FROM week_item GROUP BY week, dealer_code) i
                ON i.week = w.week AND i.dealer_code = w.dealer_code
            WHERE w.week BETWEEN \(fromWeek) AND \(toWeek) AND (\(region)::text IS NULL OR d.region = \(region))
                AND (\(dealer)::text IS NULL OR d.code = \(dealer))
            ORDER BY w.week, d.region, d.code
            """, logger: logger)
        var out: [RevenueRow] = []
        for try await r in rows.decode((String, String, String, String, Int, Int, Int, Int64, Int64).self) {
            out.append(
                .init(
                    week: r.0, dealerCode: r.1, name: r.2, region: r.3, inspections: r.4, defects: r.5, repairs: r.6, partsYuan: r.7, labourYuan: r.8)
            )
        }
        return out
    }

    /// Every dealer's figures over the campaign's weeks, for compensation and ranking.
    public func figures(fromWeek: String, toWeek: String) async throws -> [DealerFigures] {
        let rows = try await client.query(
            """
            SELECT d.code, d.name, d.region,
                coalesce(w.inspections, 0)::int, coalesce(t.confirmed, 0)::int, coalesce(t.denied, 0)::int, coalesce(t.confirmed_late, 0)::int,
                coalesce(w.due, 0)::int, coalesce(w.done, 0)::int, coalesce(w.weeks, 0)::int, coalesce(w.on_time, 0)::int
            FROM dealer d
            LEFT JOIN (
                SELECT dealer_code, sum(inspections) AS inspections, sum(followups_due) AS due, sum(followups_done_7d) AS done,
                    count(*) FILTER (WHERE inspections > 0) AS weeks, count(*) FILTER (WHERE inspections > 0 AND NOT late) AS on_time
                FROM week_dealer WHERE week BETWEEN \(fromWeek) AND \(toWeek) GROUP BY dealer_code
            ) w ON w.dealer_code = d.code
            LEFT JOIN (
                SELECT c.dealer_code, count(*) FILTER (WHERE c.result = 'confirmed') AS confirmed,
                    count(*) FILTER (WHERE c.result = 'denied') AS denied,
                    count(*) FILTER (WHERE c.result = 'confirmed' AND wd.late) AS confirmed_late
                FROM call_task c LEFT JOIN week_dealer wd ON wd.week = c.week AND wd.dealer_code = c.dealer_code
                WHERE c.week BETWEEN \(fromWeek) AND \(toWeek) GROUP BY c.dealer_code
            ) t ON t.dealer_code = d.code
            ORDER BY d.code
            """, logger: logger)
        var out: [DealerFigures] = []
        for try await r in rows.decode((String, String, String, Int, Int, Int, Int, Int, Int, Int, Int).self) {
            out.append(
                DealerFigures(
                    dealerCode: r.0, name: r.1, region: r.2, inspections: r.3, confirmed: r.4, denied: r.5, confirmedLate: r.6,
                    followupsDue: r.7, followupsDone7d: r.8, weeks: r.9, weeksOnTime: r.10))
        }
        return out
    }

    public func packs(dealer: String) async throws -> [PackListing] {
        let rows = try await client.query(
            """
            SELECT pack_id, kiosk_id, event_date::text, week, inspections, audit_count, received_at, late FROM pack
            WHERE dealer_code = \(dealer) ORDER BY received_at DESC LIMIT 500
            """, logger: logger)
        var out: [PackListing] = []
        for try await r in rows.decode((String, String, String, String, Int, Int64, Date, Bool).self) {
            out.append(.init(packId: r.0, kioskId: r.1, eventDate: r.2, week: r.3, inspections: r.4, auditCount: r.5, receivedAt: r.6, late: r.7))
        }
        return out
    }

    public func forks(dealer: String?) async throws -> [ForkListing] {
        let rows = try await client.query(
            """
            SELECT f.id, f.kiosk_id, k.dealer_code, f.n, f.held_hash, f.held_statement, f.new_hash, f.new_statement, f.found_at
            FROM fork f JOIN kiosk k ON k.kiosk_id = f.kiosk_id WHERE \(dealer)::text IS NULL OR k.dealer_code = \(dealer)
            ORDER BY f.id DESC LIMIT 200
            """, logger: logger)
        var out: [ForkListing] = []
        for try await r in rows.decode((Int64, String, String, Int64, String, String, String, String, Date).self) {
            out.append(
                .init(
                    id: r.0, kioskId: r.1, dealerCode: r.2, n: r.3, heldHash: r.4, heldStatement: r.5, newHash: r.6, newStatement: r.7, foundAt: r.8))
        }
        return out
    }

    public func refusals() async throws -> [RefusalListing] {
        let rows = try await client.query(
            "SELECT id, kiosk_id, what, problems::text, received_at FROM refusal ORDER BY id DESC LIMIT 200", logger: logger)
        var out: [RefusalListing] = []
        for try await r in rows.decode((Int64, String?, String, String, Date).self) {
            let problems = (try? HQJSON.decoder.decode([PackProblem].self, from: Data(r.3.utf8))) ?? []
            out.append(.init(id: r.0, kioskId: r.1, what: r.2, problems: problems, receivedAt: r.4))
        }
        return out
    }
}
