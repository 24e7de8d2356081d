import Foundation
import KioskFormats
import PostgresNIO

/// One call an agent holds: the customer, the car, and what the dealer reported.
public struct CallTask: Codable, Sendable, Equatable {
    public struct Customer: Codable, Sendable, Equatable { public var name: String; public var phone: String }
    public struct Inspection: Codable, Sendable, Equatable {
        public var date: String
        public var plate: String
        public var model: String
        public var urgentItems: [String]
        public var declinedItems: [String]
        public var followupDue: Date?
        /// What the dealer's own list says about its 7-day follow-up; the agent checks it on the call.
        public var followupReportedDone: Bool
    }
    public var id: Int64
    public var dealerCode: String
    public var dealerName: String
    public var attempts: Int
    public var customer: Customer
    public var inspection: Inspection
}

public enum CallResult: String, Codable, Sendable, CaseIterable { case confirmed, denied, unreachable }

extension HQStore {
    /// Unreachable customers are tried on this many different days before the task closes as unreachable.
    static let callAttempts = 3

    /// The task `agent` holds, or the next one free: `FOR UPDATE SKIP LOCKED` hands each task to one agent, across
    /// processes; a task held longer than `holdSeconds` without an answer goes back to the queue.
    public func nextCall(agent: String, holdSeconds: Int) async throws -> CallTask? {
        let rows = try await client.query(
            """
            WITH mine AS (
                SELECT id FROM call_task WHERE state = 'held' AND holder = \(agent) AND taken_at >= now() - make_interval(secs => \(holdSeconds))
                ORDER BY id LIMIT 1
            ), next AS (
                SELECT id FROM call_task
                WHERE NOT EXISTS (SELECT 1 FROM mine)
                    AND ((state = 'open' AND (not_before IS NULL OR not_before <= (now() AT TIME ZONE 'Asia/Shanghai')::date))
                        OR (state = 'held' AND taken_at < now() - make_interval(secs => \(holdSeconds))))
                ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
            ), taken AS (
                UPDATE call_task SET state = 'held', holder = \(agent), taken_at = now()
                WHERE id = (SELECT id FROM mine UNION ALL SELECT id FROM next LIMIT 1)
                RETURNING id, inspection_id, dealer_code, attempts
            )
            SELECT t.id, t.dealer_code, d.name, t.attempts, i.customer_name, i.customer_phone, (i.at AT TIME ZONE 'Asia/Shanghai')::date::text,
                i.plate, i.model, i.urgent_items, i.declined_items, i.followup_due, i.followup_done_at IS NOT NULL
            FROM taken t JOIN inspection i ON i.id = t.inspection_id JOIN dealer d ON d.code = t.dealer_code
            """, logger: logger)
        for try await r in rows.decode((Int64, String, String, Int, String, String, String, String, String, String, String, Date?, Bool).self) {
            let split = { (s: String) in s.split(separator: "、").map(String.init) }
            return CallTask(
                id: r.0, dealerCode: r.1, dealerName: r.2, attempts: r.3, customer: .init(name: r.4, phone: r.5),
                inspection: .init(
                    date: r.6, plate: r.7, model: r.8, urgentItems: split(r.9), declinedItems: split(r.10), followupDue: r.11,
                    followupReportedDone: r.12))
        }
        return nil
    }

    public enum CallAnswer: Sendable, Equatable { case stored(state: String, attempts: Int), notHeld }

    /// The result of the call `agent` holds, stored once: confirmed or denied closes it; unreachable puts it back for
    /// another day until the third try.
    public func answerCall(
        id: Int64, agent: String, result: CallResult, followupDone: Bool?, note: String, holdSeconds: Int
    ) async throws
        -> CallAnswer
    {
        try await transaction { conn in
            let rows = try await conn.query(
                """
                SELECT attempts FROM call_task WHERE id = \(id) AND state = 'held' AND holder = \(agent)
                    AND taken_at >= now() - make_interval(secs => \(holdSeconds)) FOR UPDATE
                """, logger: logger)
            var attempts: Int?
            for try await a in rows.decode(Int.self) { attempts = a }
            guard let attempts else { return .notHeld }
            let attempt = attempts + 1
            _ = try await conn.query(
                """
                INSERT INTO call_result (task_id, attempt, agent, result, followup_done, note)
                VALUES (\(id), \(attempt), \(agent), \(result.rawValue), \(followupDone), \(note))
                """, logger: logger)
            let again = result == .unreachable && attempt < Self.callAttempts
            _ = try await conn.query(
                """
                UPDATE call_task SET attempts = \(attempt), holder = NULL, taken_at = NULL,
                    last_try_on = (now() AT TIME ZONE 'Asia/Shanghai')::date,
                    state = \(again ? "open" : "done"),
                    not_before = CASE WHEN \(again) THEN (now() AT TIME ZONE 'Asia/Shanghai')::date + 1 END,
                    result = CASE WHEN \(again) THEN NULL ELSE \(result.rawValue) END,
                    followup_done = coalesce(\(followupDone), followup_done), note = \(note),
                    done_at = CASE WHEN \(again) THEN NULL ELSE now() END
                WHERE id = \(id)
                """, logger: logger)
            return .stored(state: again ? "open" : "done", attempts: attempt)
        }
    }

    /// The queue at a glance: open (due now, or on a later day), held, done by result.
    public func callCounts() async throws -> [String: Int] {
        let rows = try await client.query(
            "SELECT state || coalesce(':' || result, ''), count(*)::int FROM call_task GROUP BY 1", logger: logger)
        var out: [String: Int] = [:]
        for try await (k, n) in rows.decode((String, Int).self) { out[k] = n }
        return out
    }
}
