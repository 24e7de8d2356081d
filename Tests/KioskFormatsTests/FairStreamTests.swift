import Foundation
import Testing

@testable import KioskFormats

/// Known-answer vectors made by an independent implementation (tools/fair_reference.py, Python stdlib).
struct Vectors: Decodable {
    let seed: String, commitment: String
    let stream: StreamV, uniform: UniformV, draw: DrawV, wheel: [WheelV]
    struct StreamV: Decodable { let label: String; let x: [String] }
    struct UniformV: Decodable { let label: String; let draws: [[String]] }
    struct DrawV: Decodable { let entrants: [String]; let salt: String; let picks: Int; let entrants_digest: String; let result: [String] }
    struct WheelV: Decodable { let number: Int; let remaining: [Int]; let prize_index: Int }

    static func load() throws -> Vectors {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("fair-vectors.json")
        return try JSONDecoder().decode(Vectors.self, from: Data(contentsOf: url))
    }
}

@Suite struct FairStreamTests {
    @Test func theStreamMatchesTheKnownAnswers() throws {
        let v = try Vectors.load()
        let seed = try #require(Data(hex: v.seed))
        #expect(sha256Hex(seed) == v.commitment)
        var s = FairStream(seed: seed, label: v.stream.label)
        #expect((0..<3).map { _ in String(s.next()) } == v.stream.x)
        var u = FairStream(seed: seed, label: v.uniform.label)
        for pair in v.uniform.draws {
            #expect(String(u.uniform(UInt64(pair[0])!)) == pair[1])
        }
    }

    @Test func theDrawAndTheWheelMatchTheKnownAnswers() throws {
        let v = try Vectors.load()
        let seed = try #require(Data(hex: v.seed))
        let (sorted, digest) = FairDraw.entrantsDigest(v.draw.entrants.shuffled())
        #expect(sorted.first == "1" && sorted[1] == "10")  // byte order, not numeric
        #expect(digest == v.draw.entrants_digest)
        #expect(FairDraw.shuffle(sorted: sorted, digest: digest, salt: v.draw.salt, seed: seed, picks: v.draw.picks) == v.draw.result)
        for w in v.wheel {
            #expect(FairDraw.spin(number: w.number, remaining: w.remaining, seed: seed) == w.prize_index)
        }
        #expect(FairDraw.spin(number: 1, remaining: [0, 0], seed: seed) == nil)
    }

    // MARK: - Distribution tests (chi-square, α = 0.001, 100,000 selections each)

    static let seed = Data((0..<32).map { UInt8($0) })

    /// χ² statistic of observed counts against expected probabilities.
    static func chiSquare(_ observed: [Int], _ probabilities: [Double]) -> Double {
        let n = Double(observed.reduce(0, +))
        return zip(observed, probabilities).reduce(0) { acc, pair in
            let e = n * pair.1
            return acc + (Double(pair.0) - e) * (Double(pair.0) - e) / e
        }
    }

    @Test func uniformHitsEveryValueEvenly() {
        var counts = [Int](repeating: 0, count: 100)
        var s = FairStream(seed: Self.seed, label: "chi")
        for _ in 0..<100_000 { counts[Int(s.uniform(100))] += 1 }
        // Critical value of χ² with 99 degrees of freedom at α = 0.001.
        #expect(Self.chiSquare(counts, Array(repeating: 0.01, count: 100)) < 148.230)
    }

    @Test func aBiasedByteModuloIsRejectedBySameTest() {
        // The control: x % 100 on one random byte favours 0…55. The test above must reject it, or it does not bite.
        var counts = [Int](repeating: 0, count: 100)
        var s = FairStream(seed: Self.seed, label: "chi")
        for _ in 0..<100_000 { counts[Int(UInt8(truncatingIfNeeded: s.next()) % 100)] += 1 }
        #expect(Self.chiSquare(counts, Array(repeating: 0.01, count: 100)) > 148.230)
    }

    @Test func theFisherYatesDrawGivesEveryOrderingTheSameChance() {
        let entrants = ["1", "2", "3", "4"]
        var counts: [String: Int] = [:]
        for i in 0..<100_000 {
            counts[FairDraw.shuffle(sorted: entrants, digest: "d", salt: String(i), seed: Self.seed, picks: 4).joined(), default: 0] += 1
        }
        #expect(counts.count == 24)
        // 23 degrees of freedom.
        #expect(Self.chiSquare(Array(counts.values), Array(repeating: 1.0 / 24, count: 24)) < 49.728)
    }

    @Test func theWheelsOddsAreTheRemainingStocksShares() {
        var counts = [0, 0, 0]
        for n in 1...100_000 { counts[FairDraw.spin(number: n, remaining: [10, 6, 4], seed: Self.seed)!] += 1 }
        // 2 degrees of freedom.
        #expect(Self.chiSquare(counts, [0.5, 0.3, 0.2]) < 13.816)
    }
}
