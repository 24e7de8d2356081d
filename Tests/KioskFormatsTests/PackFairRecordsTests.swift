import Foundation
import Testing

@testable import KioskFormats

/// The manufacturer re-runs every draw and the wheel from what the pack publishes (CONTRACT: "the draw and wheel
/// records verify"), so a pack whose winners were edited before signing is refused, whoever signed it.
@Suite struct PackFairRecordsTests {
    static let seed = Data((0..<32).map { UInt8($0) })

    static func draw(winners override: [String]? = nil) -> DrawRecord {
        let (sorted, digest) = FairDraw.entrantsDigest(["3", "1", "2", "5", "4"])
        let picked = FairDraw.shuffle(sorted: sorted, digest: digest, salt: "8848", seed: seed, picks: 3)
        return DrawRecord(
            id: 1, name: "港澳双人游", pool: "orders", state: "done", commitment: sha256Hex(seed), entrants: sorted, entrantsDigest: digest,
            count: sorted.count, salt: "8848", winners: override ?? [picked[0]], alternates: Array(picked.dropFirst()), seed: seed.hexString,
            winnersCount: 1, alternatesCount: 2, replacements: [])
    }

    static func files(draw: DrawRecord, wheel: DrawVerifier.WheelRecord) throws -> [String: Data] {
        ["draws.json": try JSONEncoder().encode([draw]), "wheel.json": try JSONEncoder().encode(wheel)]
    }

    @Test func aDrawAndAWheelThatRecomputeAreTakenAndAnEditedWinnerIsNamed() throws {
        let prizes = [DrawVerifier.WheelRecord.Prize(id: "mat", stock: 2), .init(id: "cam", stock: 1)]
        let first = try #require(FairDraw.spin(number: 1, remaining: [2, 1], seed: Self.seed))
        let spin = DrawVerifier.WheelRecord.Spin(number: 1, prize: .init(id: prizes[first].id))
        let wheel = DrawVerifier.WheelRecord(commitment: sha256Hex(Self.seed), seed: Self.seed.hexString, prizes: prizes, spins: [spin])
        #expect(PackContents.fairRecordProblems(try Self.files(draw: Self.draw(), wheel: wheel)).isEmpty)

        let honest = Self.draw()
        let someoneElse = try #require(honest.entrants?.first { !(honest.winners ?? []).contains($0) })
        let edited = PackContents.fairRecordProblems(try Self.files(draw: Self.draw(winners: [someoneElse]), wheel: wheel))
        #expect(edited.count == 1 && edited[0].check == "draws" && edited[0].message.contains("winners"), "\(edited)")

        let other = prizes[1 - first].id
        let steered = DrawVerifier.WheelRecord(
            commitment: wheel.commitment, seed: wheel.seed, prizes: prizes, spins: [.init(number: 1, prize: .init(id: other))])
        #expect(PackContents.fairRecordProblems(try Self.files(draw: honest, wheel: steered)).map(\.check) == ["wheel"])

        // Before the close the seed is sealed: the wheel is taken as it stands, to be checked once it is revealed.
        let sealed = DrawVerifier.WheelRecord(commitment: wheel.commitment, seed: nil, prizes: prizes, spins: [spin])
        #expect(PackContents.fairRecordProblems(try Self.files(draw: honest, wheel: sealed)).isEmpty)
        #expect(PackContents.fairRecordProblems(["draws.json": Data("{}".utf8), "wheel.json": Data("[]".utf8)]).map(\.check) == ["draws", "wheel"])
    }
}
