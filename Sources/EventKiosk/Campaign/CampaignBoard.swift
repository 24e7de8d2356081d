import Foundation

/// The outcomes a consultant records for a call (issue 16); `not_contacted` is where every invitation starts.
public enum InvitationOutcome {
    public static let notContacted = "not_contacted"
    public static let recordable = ["invited", "confirmed", "declined", "no_answer"]
    /// The outcome as the report reads it (issue 24: `not_contacted` was printed as it is stored).
    public static func words(_ code: String) -> String {
        let names = [
            notContacted: "未联系 not contacted", "invited": "已邀约 invited", "confirmed": "已确认 confirmed",
            "declined": "婉拒 declined",
            "no_answer": "未接通 no answer",
        ]
        return names[code] ?? code
    }
}

/// The campaign board, worked out from facts gathered in one read: pure, tested directly.
public enum CampaignBoard {
    /// One invitation as the board counts it.
    public struct Guest: Sendable {
        public var consultant: String
        public var invitation: String
        public var partySize: Int
        public var arrived: Bool
        public var walkIn: Bool
        public var boarded: Bool
        public init(consultant: String, invitation: String, partySize: Int, arrived: Bool, walkIn: Bool = false, boarded: Bool = false) {
            self.consultant = consultant; self.invitation = invitation; self.partySize = partySize; self.arrived = arrived; self.walkIn = walkIn
            self.boarded = boarded
        }
    }

    public struct Row: Encodable, Sendable, Equatable {
        public let name: String
        public let target: Int
        public let invited: Int
        public let confirmed: Int
        public let declined: Int
        public let noAnswer: Int
        public let notContacted: Int
        public let arrived: Int
        /// On a bus (not yet counted as arrived).
        public let boarded: Int
        public let orders: Int
        /// Confirmed guests who came, of those confirmed (到店率); nil before anyone confirmed.
        public let showRate: Double?
        /// "venue" or "showroom" (阵地), set by the admin; nil until set.
        public let post: String?
        public let missedTarget: Bool
        /// Confirmations still missing for the target, before Friday's final list.
        public let missing: Int
    }

    public struct Goal: Encodable, Sendable, Equatable {
        public let parties: Int?; public let people: Int?; public let orders: Int?; public let perConsultant: Int
    }
    public struct Totals: Encodable, Sendable, Equatable {
        public let invitations: Int, invited: Int, confirmed: Int, confirmedPeople: Int, declined: Int, noAnswer: Int, arrived: Int, orders: Int
    }
    public struct Board: Encodable, Sendable, Equatable { public let goal: Goal; public let totals: Totals; public let consultants: [Row] }

    /// `orders` counts each consultant's valid orders; `consultants` adds the sales staff who have no guests yet.
    public static func build(
        campaign: EventConfig.Campaign?, guests: [Guest], orders: [String: Int], posts: [String: String],
        consultants extra: [String]
    ) -> Board {
        let per = campaign?.perConsultant ?? 2
        let invitations = guests.filter { !$0.walkIn }
        var names = Set(invitations.map(\.consultant).filter { !$0.isEmpty })
        names.formUnion(extra)
        let rows = names.sorted().map { name -> Row in
            let mine = invitations.filter { $0.consultant == name }
            func count(_ outcome: String) -> Int { mine.filter { $0.invitation == outcome }.count }
            let confirmed = count("confirmed")
            let cameConfirmed = mine.filter { $0.invitation == "confirmed" && $0.arrived }.count
            return Row(
                name: name, target: per, invited: mine.filter { $0.invitation != InvitationOutcome.notContacted }.count,
                confirmed: confirmed, declined: count("declined"), noAnswer: count("no_answer"),
                notContacted: count(InvitationOutcome.notContacted), arrived: mine.filter(\.arrived).count,
                boarded: mine.filter(\.boarded).count,
                orders: orders[name] ?? 0, showRate: confirmed > 0 ? Double(cameConfirmed) / Double(confirmed) : nil,
                post: posts[name], missedTarget: confirmed < per, missing: max(0, per - confirmed))
        }
        let totals = Totals(
            invitations: invitations.count, invited: rows.reduce(0) { $0 + $1.invited },
            confirmed: rows.reduce(0) { $0 + $1.confirmed },
            confirmedPeople: invitations.filter { $0.invitation == "confirmed" }.reduce(0) { $0 + $1.partySize },
            declined: rows.reduce(0) { $0 + $1.declined }, noAnswer: rows.reduce(0) { $0 + $1.noAnswer },
            arrived: guests.filter(\.arrived).count, orders: orders.values.reduce(0, +))
        return Board(
            goal: Goal(parties: campaign?.parties, people: campaign?.people, orders: campaign?.orders, perConsultant: per),
            totals: totals, consultants: rows)
    }
}
