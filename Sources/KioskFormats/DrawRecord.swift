import Foundation

/// A grand draw's public record: everything `kiosk verify-draw` needs (fields not yet known are null).
public struct DrawRecord: Codable, Sendable, Equatable {
    public let id: Int64
    public let name: String
    public let pool: String
    public let state: String
    public let commitment: String
    public let entrants: [String]?
    public let entrantsDigest: String?
    public let count: Int?
    public let salt: String?
    public let winners: [String]?
    public let alternates: [String]?
    public let seed: String?
    public let winnersCount: Int
    public let alternatesCount: Int
    public let replacements: [Replacement]
    /// Masked names of the winners and alternates, for the big screen (an addition; not part of verification),
    /// kept as they were when the draw ran.
    public var names: [String: String] = [:]
    /// The last four digits of each winner's and alternate's phone, so winners recognise themselves.
    public var phones: [String: String] = [:]
    /// Each winner's and alternate's ticket number (分发奖票), as handed out at the door.
    public var tickets: [String: Int] = [:]

    public struct Replacement: Codable, Sendable, Equatable {
        public let winner: String; public let replacement: String; public let reason: String
        public init(winner: String, replacement: String, reason: String) {
            self.winner = winner; self.replacement = replacement; self.reason = reason
        }
    }

    public init(
        id: Int64, name: String, pool: String, state: String, commitment: String, entrants: [String]?, entrantsDigest: String?, count: Int?,
        salt: String?, winners: [String]?, alternates: [String]?, seed: String?, winnersCount: Int, alternatesCount: Int, replacements: [Replacement]
    ) {
        self.id = id; self.name = name; self.pool = pool; self.state = state; self.commitment = commitment; self.entrants = entrants
        self.entrantsDigest = entrantsDigest; self.count = count; self.salt = salt; self.winners = winners; self.alternates = alternates
        self.seed = seed; self.winnersCount = winnersCount; self.alternatesCount = alternatesCount; self.replacements = replacements
    }

    enum CodingKeys: String, CodingKey {
        case id, name, pool, state, commitment, entrants, entrantsDigest = "entrants_digest", count, salt, winners, alternates, seed
        case winnersCount = "winners_count", alternatesCount = "alternates_count", replacements, names, phones, tickets
    }

    /// Nulls stay in the JSON: the contract lists every field.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(name, forKey: .name); try c.encode(pool, forKey: .pool)
        try c.encode(state, forKey: .state); try c.encode(commitment, forKey: .commitment); try c.encode(entrants, forKey: .entrants)
        try c.encode(entrantsDigest, forKey: .entrantsDigest); try c.encode(count, forKey: .count); try c.encode(salt, forKey: .salt)
        try c.encode(winners, forKey: .winners); try c.encode(alternates, forKey: .alternates); try c.encode(seed, forKey: .seed)
        try c.encode(winnersCount, forKey: .winnersCount); try c.encode(alternatesCount, forKey: .alternatesCount)
        try c.encode(replacements, forKey: .replacements)
        try c.encode(names, forKey: .names)
        try c.encode(phones, forKey: .phones)
        try c.encode(tickets, forKey: .tickets)
    }
}
