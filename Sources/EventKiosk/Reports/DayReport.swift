import Foundation
import GRDB

/// Everything the end-of-day report shows, read in one go; `DayReportPage` turns it into HTML.
public struct DayReport: Sendable {
    public struct Row: Sendable, Equatable { public let label: String; public let values: [Int] }

    let event: EventConfig?
    let generatedAt: Date
    let closed: Bool
    let status: ArrivalStatus
    /// consultant → invited, arrived (walk-ins are nobody's invitation).
    let byConsultant: [Row]
    /// door → parties, people, walk-ins.
    let byDoor: [Row]
    let arrivalTimes: [Date]
    let orders: [OrderView]
    let tally: Tally
    let wheel: WheelView?
    let grants: Int
    let draws: [DrawRecord]
    /// Names of the guests a draw's entrants (invitee ids) refer to, so winners read as people.
    let names: [String: String]
    let inspections: [InspectionView]
    let followUps: [FollowUpView]
    let survey: [SurveyTally]
    let surveyAnswers: Int
    let complaints: Int
    /// The invitation funnel by consultant (issue 16): invited → confirmed → arrived → ordered.
    let campaign: CampaignBoard.Board
    /// Invitees who did not come, with their consultant: the next day's calls.
    let noShows: [CampaignGuest]

    public static func gather(db: AppDatabase, now: Date? = nil) async throws -> DayReport {
        let now = now ?? db.now()
        let event = try await db.event()
        let (byConsultant, byDoor, arrivalTimes, grants) = try await db.read { db -> ([Row], [Row], [Date], Int) in
            let consultants = try GRDB.Row.fetchAll(
                db,
                sql: """
                    SELECT COALESCE(NULLIF(i.consultant, ''), '（未指定）') AS who,
                           SUM(i.walk_in = 0 AND i.status = 'active') AS invited,
                           SUM(i.walk_in = 0 AND EXISTS (SELECT 1 FROM active_checkin c WHERE c.invitee_id = i.id)) AS arrived
                    FROM invitee i GROUP BY who ORDER BY invited DESC, who
                    """
            ).map { Row(label: $0["who"], values: [$0["invited"] ?? 0, $0["arrived"] ?? 0]) }
            let doors = try GRDB.Row.fetchAll(
                db,
                sql: """
                    SELECT door, COUNT(*) AS n, SUM(party_size) AS people, SUM(walk_in) AS walkins FROM active_checkin
                    GROUP BY door ORDER BY n DESC, door
                    """
            ).map { Row(label: $0["door"], values: [$0["n"], $0["people"], $0["walkins"]]) }
            let times = try Date.fetchAll(db, sql: "SELECT at FROM active_checkin ORDER BY at")
            let grants = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM wheel_grant") ?? 0
            return (consultants.filter { $0.values[0] > 0 || $0.values[1] > 0 }, doors, times, grants)
        }
        let draws = try await db.draws()
        let drawn = Set(draws.flatMap { ($0.winners ?? []) + ($0.alternates ?? []) + $0.replacements.flatMap { [$0.winner, $0.replacement] } })
        let names = Dictionary(
            uniqueKeysWithValues: try await db.allInvitees().filter { drawn.contains(String($0.id)) }.map { (String($0.id), $0.name) })
        let orders = try await db.orders(newestFirst: false)
        let valid = orders.filter { !$0.voided }.count
        let answers = try await db.surveyAnswers(complaintsOnly: false)
        let survey = SurveyTally.per(event?.survey?.questions ?? [], answers)
        return DayReport(
            event: event, generatedAt: now, closed: try await db.isClosed(), status: try await db.arrivalStatus(),
            byConsultant: byConsultant, byDoor: byDoor, arrivalTimes: arrivalTimes, orders: orders,
            tally: RebateTiers(event?.tiers ?? []).tally(orders: valid),
            wheel: event == nil ? nil : try await db.wheel(), grants: grants, draws: draws, names: names,
            inspections: try await db.inspections(ascending: true), followUps: try await db.followUps(),
            survey: survey, surveyAnswers: answers.count, complaints: answers.filter(\.complaint).count,
            campaign: try await db.campaignBoard(),
            noShows: try await db.campaignGuests(consultant: nil).filter { !$0.arrived })
    }

    // MARK: - Derived figures (what the page shows, kept apart from the markup)

    var validOrders: [OrderView] { orders.filter { !$0.voided } }

    /// Orders per model or consultant, most first.
    func ordersBy(_ key: KeyPath<OrderView, String>) -> [SVGChart.Bar] {
        Dictionary(grouping: validOrders, by: { $0[keyPath: key] })
            .map { SVGChart.Bar($0.key, $0.value.count) }
            .sorted { ($0.value, $1.label) > ($1.value, $0.label) }
    }

    /// Defects by inspection item: all advise/urgent findings, urgent ones highlighted; most first.
    var defectsByItem: [SVGChart.Bar] {
        var all: [String: (no: Int, n: Int, urgent: Int)] = [:]
        for inspection in inspections {
            for item in inspection.items where item.status == .advise || item.status == .urgent {
                let key = "\(item.no). \(item.name)"
                var v = all[key] ?? (item.no, 0, 0)
                v.n += 1
                if item.status == .urgent { v.urgent += 1 }
                all[key] = v
            }
        }
        return all.sorted { ($0.value.n, -$0.value.no) > ($1.value.n, -$1.value.no) }
            .map { SVGChart.Bar($0.key, $0.value.n, highlight: $0.value.urgent) }
    }

    /// Follow-up calls still to make (not reached and no SMS closing them yet).
    var followUpsOpen: [FollowUpView] { followUps.filter { $0.nextStep != "done" } }
}
