/// The seed plan's growing rebate: with n valid orders, every order of the day gets the rebate of the
/// highest tier whose `from` ≤ n (0 below the first tier). Pure; fed by the event file.
public struct RebateTiers: Sendable, Equatable {
    public let tiers: [EventConfig.Tier]

    /// Tiers as validated by the event file: rising `from` and `rebate`.
    public init(_ tiers: [EventConfig.Tier]) {
        self.tiers = tiers.sorted { $0.from < $1.from }
    }

    /// The index of the tier reached with `orders` valid orders, or nil below the first tier.
    public func tierIndex(orders: Int) -> Int? {
        tiers.lastIndex { $0.from <= orders }
    }

    /// Yuan per order with `orders` valid orders.
    public func rebatePerOrder(orders: Int) -> Int {
        tierIndex(orders: orders).map { tiers[$0].rebate } ?? 0
    }

    /// The next tier above the one reached: at how many orders it starts and what it pays; nil at the top.
    public func nextTier(orders: Int) -> Tally.NextTier? {
        guard let next = tiers.first(where: { $0.from > orders }) else { return nil }
        return Tally.NextTier(at: next.from, rebate: next.rebate, more: next.from - orders)
    }

    public func tally(orders: Int) -> Tally {
        let rebate = rebatePerOrder(orders: orders)
        return Tally(
            orders: orders, rebatePerOrder: rebate, totalRebate: rebate * orders, nextTier: nextTier(orders: orders),
            tier: tierIndex(orders: orders).map { $0 + 1 } ?? 0)
    }

    /// How the tier moved between two counts: +1 up, -1 down, 0 the same.
    public func change(from before: Int, to after: Int) -> Int {
        let a = tierIndex(orders: before) ?? -1, b = tierIndex(orders: after) ?? -1
        return b > a ? 1 : (b < a ? -1 : 0)
    }
}

/// The live tally the MC reads out (contract: orders, rebate_per_order, total_rebate, next_tier).
public struct Tally: Codable, Sendable, Equatable {
    public let orders: Int
    public let rebatePerOrder: Int
    public let totalRebate: Int
    public let nextTier: NextTier?
    /// 1-based tier reached (0 = none yet). An addition to the contract.
    public let tier: Int

    public struct NextTier: Codable, Sendable, Equatable {
        /// The order count at which it starts.
        public let at: Int
        public let rebate: Int
        /// Orders still needed ("再成交 N 台"). An addition to the contract.
        public let more: Int
    }

    /// Keeps `next_tier: null` in the JSON rather than dropping the key.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(orders, forKey: .orders)
        try c.encode(rebatePerOrder, forKey: .rebatePerOrder)
        try c.encode(totalRebate, forKey: .totalRebate)
        try c.encode(nextTier, forKey: .nextTier)
        try c.encode(tier, forKey: .tier)
    }
}
