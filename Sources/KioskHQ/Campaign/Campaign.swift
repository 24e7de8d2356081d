import Foundation

/// The campaign file (`Assets/hq-campaign.json`, editable on the HQ admin page): its dates, the labour hours paid per
/// confirmed inspection, the 真实率 bands and the share of hours each pays, and the score behind the Top 10.
public struct Campaign: Codable, Equatable, Sendable {
    public struct Band: Codable, Equatable, Sendable {
        public var min: Double
        public var share: Double
        public var label: String?
    }
    public struct Score: Codable, Equatable, Sendable {
        public var truthRate: Double
        public var followup: Double
        public var onTime: Double
        public var text: String?
    }
    public var name: String
    public var start: String
    public var end: String
    public var deadlineHour: Int
    public var hoursPerInspection: Double
    public var yuanPerHour: Double
    public var lateShare: Double
    public var truthRateBands: [Band]
    public var score: Score

    /// Every problem of the file, each naming its field; empty when it can be used.
    public var problems: [String] {
        var p: [String] = []
        if name.trimmingCharacters(in: .whitespaces).isEmpty { p.append("name：不能为空 / must not be empty") }
        if Week.dayStart(start) == nil { p.append("start：应为 YYYY-MM-DD / must be a day YYYY-MM-DD") }
        if Week.dayStart(end) == nil { p.append("end：应为 YYYY-MM-DD / must be a day YYYY-MM-DD") }
        if let s = Week.dayStart(start), let e = Week.dayStart(end), e < s { p.append("end：早于 start / is before start") }
        if !(0...23).contains(deadlineHour) { p.append("deadline_hour：应为 0–23 / must be 0–23") }
        if !(0...100).contains(hoursPerInspection) || !hoursPerInspection.isFinite { p.append("hours_per_inspection：应为 0–100 / must be 0–100") }
        if !(0...100_000).contains(yuanPerHour) || !yuanPerHour.isFinite { p.append("yuan_per_hour：应为 0–100000 / must be 0–100000") }
        if !(0...1).contains(lateShare) { p.append("late_share：应为 0–1 / must be 0–1") }
        if truthRateBands.isEmpty { p.append("truth_rate_bands：至少一档 / needs at least one band") }
        for (i, b) in truthRateBands.enumerated() where !(0...1).contains(b.min) || !(0...1).contains(b.share) {
            p.append("truth_rate_bands[\(i)]：min 与 share 应为 0–1 / min and share must be 0–1")
        }
        if !truthRateBands.contains(where: { $0.min == 0 }) { p.append("truth_rate_bands：需要一档 min 为 0 / one band must start at 0") }
        let weights = [score.truthRate, score.followup, score.onTime]
        if weights.contains(where: { !(0...100).contains($0) }) || weights.reduce(0, +) <= 0 {
            p.append("score：权重应为 0–100 且不全为 0 / weights must be 0–100, not all 0")
        }
        return p
    }

    /// The share of hours a truth rate pays: the band with the highest `min` the rate reaches.
    public func band(for rate: Double) -> Band? {
        truthRateBands.filter { rate >= $0.min }.max { $0.min < $1.min }
    }

    public static func load(_ data: Data) throws -> Campaign {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        let c: Campaign
        do { c = try d.decode(Campaign.self, from: data) } catch { throw CampaignError(problems: ["活动文件无法读取 / not a campaign file: \(error)"]) }
        if !c.problems.isEmpty { throw CampaignError(problems: c.problems) }
        return c
    }
}

public struct CampaignError: Error, CustomStringConvertible {
    public let problems: [String]
    public var description: String { problems.joined(separator: "; ") }
}

/// One dealer's figures for the campaign (memberwise, made by the store and the tests); `Compensation.compute` is pure.
public struct DealerFigures: Sendable, Equatable {
    public var dealerCode: String
    public var name: String
    public var region: String
    public var inspections: Int
    public var confirmed: Int
    public var denied: Int
    public var confirmedLate: Int
    public var followupsDue: Int
    public var followupsDone7d: Int
    public var weeks: Int
    public var weeksOnTime: Int
}

public struct Compensation: Codable, Sendable, Equatable {
    public struct ScoreParts: Codable, Sendable, Equatable { public var truthRate: Double; public var followup: Double; public var onTime: Double }
    public var dealerCode: String
    public var name: String
    public var region: String
    public var inspections: Int
    public var confirmed: Int
    public var denied: Int
    public var truthRate: Double?
    public var band: String?
    public var share: Double
    public var hours: Double
    public var amountYuan: Double
    public var followupRate: Double?
    public var onTimeRate: Double?
    public var score: Double
    public var scoreParts: ScoreParts
    public var rank: Int

    /// Every dealer's hours, amount and score under `campaign`, ranked (score, then code); the first 10 are the Top 10.
    public static func compute(_ figures: [DealerFigures], campaign c: Campaign) -> [Compensation] {
        let rows = figures.map { f -> Compensation in
            let answered = f.confirmed + f.denied
            let rate = answered > 0 ? Double(f.confirmed) / Double(answered) : nil
            let band = rate.flatMap(c.band(for:))
            let share = band?.share ?? 0
            let paid = Double(f.confirmed - f.confirmedLate) + Double(f.confirmedLate) * c.lateShare
            let hours = (paid * c.hoursPerInspection * share * 100).rounded() / 100
            let follow = f.followupsDue > 0 ? Double(f.followupsDone7d) / Double(f.followupsDue) : nil
            let onTime = f.weeks > 0 ? Double(f.weeksOnTime) / Double(f.weeks) : nil
            let parts = ScoreParts(
                truthRate: round2(c.score.truthRate * (rate ?? 0)), followup: round2(c.score.followup * (follow ?? 0)),
                onTime: round2(c.score.onTime * (onTime ?? 0)))
            return Compensation(
                dealerCode: f.dealerCode, name: f.name, region: f.region, inspections: f.inspections, confirmed: f.confirmed, denied: f.denied,
                truthRate: rate.map(round4), band: band?.label, share: share, hours: hours, amountYuan: round2(hours * c.yuanPerHour),
                followupRate: follow.map(round4), onTimeRate: onTime.map(round4), score: round2(parts.truthRate + parts.followup + parts.onTime),
                scoreParts: parts, rank: 0)
        }
        var ranked = rows.sorted { $0.score != $1.score ? $0.score > $1.score : $0.dealerCode < $1.dealerCode }
        for i in ranked.indices { ranked[i].rank = i + 1 }
        return ranked
    }

    static func round2(_ x: Double) -> Double { (x * 100).rounded() / 100 }
    static func round4(_ x: Double) -> Double { (x * 10_000).rounded() / 10_000 }
}
