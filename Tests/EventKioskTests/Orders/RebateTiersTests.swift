import Testing

@testable import EventKiosk

@Suite struct RebateTiersTests {
    /// The seed plan: 3–5 → ¥500, 6–10 → ¥1000, 11–15 → ¥1500, 16–20 → ¥2000, 21+ → ¥2500.
    let seed = RebateTiers([
        .init(from: 3, rebate: 500), .init(from: 6, rebate: 1000), .init(from: 11, rebate: 1500),
        .init(from: 16, rebate: 2000), .init(from: 21, rebate: 2500),
    ])

    @Test(arguments: [(0, 0), (2, 0), (3, 500), (5, 500), (6, 1000), (10, 1000), (11, 1500), (20, 2000), (21, 2500), (100, 2500)])
    func everyOrderGetsTheRebateOfTheHighestTierReached(orders: Int, rebate: Int) {
        let t = seed.tally(orders: orders)
        #expect(t.rebatePerOrder == rebate)
        #expect(t.totalRebate == rebate * orders)
        #expect(t.orders == orders)
    }

    @Test func theNextTierSaysHowManyMoreAndWhatItPays() {
        #expect(seed.nextTier(orders: 0) == .init(at: 3, rebate: 500, more: 3))
        #expect(seed.nextTier(orders: 2) == .init(at: 3, rebate: 500, more: 1))
        #expect(seed.nextTier(orders: 5) == .init(at: 6, rebate: 1000, more: 1))
        #expect(seed.nextTier(orders: 6) == .init(at: 11, rebate: 1500, more: 5))
        #expect(seed.nextTier(orders: 20) == .init(at: 21, rebate: 2500, more: 1))
        #expect(seed.nextTier(orders: 21) == nil)
        #expect(seed.nextTier(orders: 100) == nil)
    }

    @Test func aVoidThatCrossesATierDownwardLowersEveryonesRebate() {
        #expect(seed.change(from: 5, to: 6) == 1)
        #expect(seed.change(from: 6, to: 5) == -1)
        #expect(seed.change(from: 3, to: 2) == -1)
        #expect(seed.change(from: 7, to: 6) == 0)
        #expect(seed.tally(orders: 5).totalRebate == 2_500)
        #expect(seed.tally(orders: 6).totalRebate == 6_000)
        #expect(seed.tally(orders: 2).totalRebate == 0)
    }

    @Test func tierNumbersCountFromOne() {
        #expect(seed.tally(orders: 2).tier == 0)
        #expect(seed.tally(orders: 3).tier == 1)
        #expect(seed.tally(orders: 21).tier == 5)
    }

    @Test func noTiersMeansNoRebate() {
        let none = RebateTiers([])
        #expect(none.tally(orders: 50) == Tally(orders: 50, rebatePerOrder: 0, totalRebate: 0, nextTier: nil, tier: 0))
    }
}
