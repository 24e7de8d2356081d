import Foundation

/// Recomputes a draw record (or a wheel record) from its published fields: the check anyone can run afterwards.
public enum DrawVerifier {
    /// Problems found; empty means every published value matches.
    public static func verify(draw: DrawRecord) -> [String] {
        var problems: [String] = []
        guard let seedHex = draw.seed, let seed = Data(hex: seedHex), seed.count == 32 else {
            return ["seed: missing or not 32 bytes of hex (the draw has not been run?)"]
        }
        if sha256Hex(seed) != draw.commitment {
            problems.append("commitment: SHA256(seed) is \(sha256Hex(seed)), but the published commitment is \(draw.commitment)")
        }
        guard let entrants = draw.entrants else { return problems + ["entrants: missing"] }
        let (sorted, digest) = FairDraw.entrantsDigest(entrants)
        if sorted != entrants { problems.append("entrants: not in byte order as published") }
        if digest != draw.entrantsDigest { problems.append("entrants_digest: recomputed \(digest), published \(draw.entrantsDigest ?? "null")") }
        if draw.count != entrants.count {
            problems.append("count: \(entrants.count) entrants, published count \(draw.count.map(String.init) ?? "null")")
        }
        let picked = FairDraw.shuffle(
            sorted: sorted, digest: digest, salt: draw.salt ?? "", seed: seed, picks: draw.winnersCount + draw.alternatesCount)
        let winners = Array(picked.prefix(draw.winnersCount)), alternates = Array(picked.dropFirst(draw.winnersCount))
        if winners != (draw.winners ?? []) { problems.append("winners: recomputed \(winners), published \(draw.winners ?? [])") }
        if alternates != (draw.alternates ?? []) { problems.append("alternates: recomputed \(alternates), published \(draw.alternates ?? [])") }
        return problems
    }

    /// A wheel record: seed, prizes (event-file order, initial stock) and every spin's prize.
    public struct WheelRecord: Codable, Sendable {
        public let commitment: String
        public let seed: String?
        public let prizes: [Prize]
        public let spins: [Spin]
        public struct Prize: Codable, Sendable {
            public let id: String; public let stock: Int
            public init(id: String, stock: Int) { self.id = id; self.stock = stock }
        }
        public struct Spin: Codable, Sendable {
            public let number: Int; public let prize: Ref
            public struct Ref: Codable, Sendable { public let id: String; public init(id: String) { self.id = id } }
            public init(number: Int, prize: Ref) { self.number = number; self.prize = prize }
        }
        /// Stock set by the admin during the day (an addition to the contract's record): from spin `after_spin + 1` on,
        /// prize `prize` has `stock` in total. Absent or empty when the stock never changed.
        public var stockChanges: [StockChange]? = nil
        public struct StockChange: Codable, Sendable, Equatable {
            public let afterSpin: Int; public let prize: String; public let oldStock: Int; public let stock: Int
            /// Set when the change is a prize handed back by a voided order: which spin it came from, and why.
            public var returnedSpin: Int? = nil
            public var reason: String? = nil
            public init(afterSpin: Int, prize: String, oldStock: Int, stock: Int, returnedSpin: Int? = nil, reason: String? = nil) {
                self.afterSpin = afterSpin; self.prize = prize; self.oldStock = oldStock; self.stock = stock
                self.returnedSpin = returnedSpin; self.reason = reason
            }
            enum CodingKeys: String, CodingKey {
                case afterSpin = "after_spin", prize, oldStock = "old_stock", stock, returnedSpin = "returned_spin", reason
            }
        }
        enum CodingKeys: String, CodingKey { case commitment, seed, prizes, spins, stockChanges = "stock_changes" }
        public init(commitment: String, seed: String?, prizes: [Prize], spins: [Spin], stockChanges: [StockChange]? = nil) {
            self.commitment = commitment; self.seed = seed; self.prizes = prizes; self.spins = spins; self.stockChanges = stockChanges
        }
    }

    public static func verify(wheel: WheelRecord) -> [String] {
        guard let hex = wheel.seed, let seed = Data(hex: hex), seed.count == 32 else { return ["seed: not revealed yet (close the event first)"] }
        var problems: [String] = []
        if sha256Hex(seed) != wheel.commitment { problems.append("commitment: SHA256(seed) does not match the published commitment") }
        var stock = wheel.prizes.map(\.stock), won = wheel.prizes.map { _ in 0 }
        var changes = (wheel.stockChanges ?? [])[...]
        for (i, spin) in wheel.spins.sorted(by: { $0.number < $1.number }).enumerated() {
            if spin.number != i + 1 { problems.append("spin \(spin.number): expected spin number \(i + 1)") }
            while let change = changes.first, change.afterSpin < spin.number {
                if let j = wheel.prizes.firstIndex(where: { $0.id == change.prize }) { stock[j] = change.stock }
                changes.removeFirst()
            }
            let remaining = zip(stock, won).map { max(0, $0 - $1) }
            guard let index = FairDraw.spin(number: spin.number, remaining: remaining, seed: seed) else {
                problems.append("spin \(spin.number): no stock was left, yet a prize was given"); continue
            }
            if wheel.prizes[index].id != spin.prize.id {
                problems.append("spin \(spin.number): recomputed prize \(wheel.prizes[index].id), published \(spin.prize.id)")
            }
            if let j = wheel.prizes.firstIndex(where: { $0.id == spin.prize.id }) { won[j] += 1 }
        }
        return problems
    }
}

extension DrawVerifier {
    /// Verifies a file holding either a draw record (`GET /api/draws/{id}`) or a wheel record (`GET /api/wheel/record`).
    /// Returns a one-line verdict per check and whether all passed.
    public static func verify(fileData: Data) -> (ok: Bool, lines: [String]) {
        guard let obj = try? JSONSerialization.jsonObject(with: fileData) as? [String: Any] else {
            return (false, ["the file is not a JSON object"])
        }
        if obj["spins"] is [Any] {
            guard let wheel = try? JSONDecoder().decode(WheelRecord.self, from: fileData) else {
                return (false, ["the wheel record is missing fields (commitment, seed, prizes[id, stock], spins[number, prize.id])"])
            }
            let problems = verify(wheel: wheel)
            let verdict = problems.isEmpty ? ["OK: wheel commitment matches the seed and all \(wheel.spins.count) spins recompute"] : problems
            return (problems.isEmpty, verdict.map { problems.isEmpty ? $0 : "MISMATCH: \($0)" } + stockChangeLines(wheel))
        }
        func strings(_ k: String) -> [String]? { (obj[k] as? [Any])?.map { "\($0)" } }
        let winners = strings("winners"), alternates = strings("alternates")
        let draw = DrawRecord(
            id: (obj["id"] as? NSNumber)?.int64Value ?? 0, name: obj["name"] as? String ?? "", pool: obj["pool"] as? String ?? "",
            state: obj["state"] as? String ?? "", commitment: obj["commitment"] as? String ?? "", entrants: strings("entrants"),
            entrantsDigest: obj["entrants_digest"] as? String, count: (obj["count"] as? NSNumber)?.intValue, salt: obj["salt"] as? String,
            winners: winners, alternates: alternates, seed: obj["seed"] as? String,
            winnersCount: (obj["winners_count"] as? NSNumber)?.intValue ?? winners?.count ?? 0,
            alternatesCount: (obj["alternates_count"] as? NSNumber)?.intValue ?? alternates?.count ?? 0, replacements: [])
        let problems = verify(draw: draw)
        return (
            problems.isEmpty,
            problems.isEmpty
                ? [
                    "OK: commitment, entrants digest (\(draw.count ?? 0) entrants), winners \(winners ?? []) and alternates \(alternates ?? []) all recompute"
                ]
                : problems.map { "MISMATCH: \($0)" }
        )
    }
}

extension DrawVerifier {
    /// Every stock change of the day, one line each, so a person reading the verdict sees how the odds were moved:
    /// additions, prizes handed back by a void, and removals after the first spin, which are flagged.
    static func stockChangeLines(_ wheel: WheelRecord) -> [String] {
        (wheel.stockChanges ?? []).map { c in
            let kind: String
            if c.returnedSpin != nil {
                kind = "returned by a void of spin \(c.returnedSpin!)"
            } else if c.stock < c.oldStock {
                kind = c.afterSpin > 0 ? "REMOVAL after the wheel had spun" : "lowered before the first spin"
            } else {
                kind = "addition"
            }
            let why = c.reason.map { ", reason: \($0)" } ?? ""
            return "stock change after spin \(c.afterSpin): \(c.prize) \(c.oldStock) → \(c.stock) (\(kind)\(why))"
        }
    }
}
