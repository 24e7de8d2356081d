import Foundation
import KioskFormats

/// `make hq`'s demo: six dealers in three regions, each with a kiosk that sent real signed packs for the last two weeks,
/// and one user per role. Made only in an empty database.
enum DemoCampaign {
    static let password = "demo-password"
    static let dealers = [
        ("XZ01", "徐州通达 4S 店", "华东"), ("NJ02", "南京宁远 4S 店", "华东"), ("JN01", "济南泉城 4S 店", "华北"),
        ("TJ03", "天津滨海 4S 店", "华北"), ("GZ05", "广州越秀 4S 店", "华南"), ("SZ07", "深圳南山 4S 店", "华南"),
    ]
    static let surnames = Array("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗")
    static let given = ["伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "霞"]

    /// The template's item names by number, or the synthetic ones when the file is not there.
    static func itemNames(_ template: URL) -> [String] {
        guard let data = try? Data(contentsOf: template), let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let items = json["items"] as? [[String: Any]]
        else { return (1...21).map { "检查项目\($0)" } }
        let byNo = Dictionary(items.compactMap { i in (i["no"] as? Int).map { ($0, i["name"] as? String ?? "") } }, uniquingKeysWith: { a, _ in a })
        return (1...21).map { byNo[$0] ?? "检查项目\($0)" }
    }

    static func seed(_ s: HQServices) async throws {
        guard try await s.store.dealers().isEmpty else { return }
        var rng = SystemRandomNumberGenerator()
        let names = itemNames(s.config.campaignFile.deletingLastPathComponent().appendingPathComponent("inspection-21.json"))
        let now = s.config.now()
        for (n, (code, name, region)) in dealers.enumerated() {
            let (_, enroll) = try await s.store.addDealer(code: code, name: name, region: region)
            try await s.store.addUser(name: "dealer-\(code.lowercased())", password: password, role: .dealer, region: nil, dealerCode: code)
            for weeksAgo in [2, 1] {
                let day = Week.day(now, plus: -7 * weeksAgo + n % 3)
                var kiosk = SyntheticKiosk(eventDate: day)
                kiosk.itemNames = names
                if weeksAgo == 2 {
                    guard case .enrolled = try await s.store.enroll(code: enroll, publicKey: kiosk.publicKey) else { continue }
                } else {
                    // The dealer's second event day runs on a kiosk of its own (a second laptop), enrolled with a new code.
                    guard let again = try await s.store.newEnrollCode(dealer: code),
                        case .enrolled = try await s.store.enroll(code: again, publicKey: kiosk.publicKey)
                    else { continue }
                }
                try kiosk.log("event_loaded", ["name": "车主回娘家"])
                let start = Week.dayStart(day) ?? now
                for i in 0..<(8 + (n * 3 + weeksAgo) % 7) {
                    let urgent = i % 4 == 0 ? [Int.random(in: 1...21, using: &rng)] : []
                    let advise = (0..<Int.random(in: 0...3, using: &rng)).map { _ in Int.random(in: 1...21, using: &rng) }.filter {
                        !urgent.contains($0)
                    }
                    let repaired = advise.first.map { [$0: (parts: Int.random(in: 1...20, using: &rng) * 40, labour: 120)] } ?? [:]
                    let person = "\(surnames[(n * 7 + i) % surnames.count])\(given[(i * 5 + n) % given.count])"
                    try kiosk.inspect(
                        at: start.addingTimeInterval(Double(9 * 3600 + i * 1500)), name: person,
                        phone: "139\(String(format: "%08d", n * 10_000 + weeksAgo * 1000 + i))", consent: i % 5 != 3, urgent: Array(Set(urgent)),
                        advise: Array(Set(advise)), declined: urgent, repaired: repaired,
                        followUpDoneAfter: i % 6 == 5 ? nil : Double(86_400 * (1 + i % 3)))
                }
                // Sent the Monday after at 10:00, on time; one dealer sends on Tuesday, late.
                let monday = Week.deadline(of: Week.of(start), hour: code == "TJ03" ? 24 + 10 : 10) ?? now
                _ = try await IntakeRoutes.takeIn(zip: try kiosk.pack(checkpoints: [try kiosk.checkpoint()]), s, at: min(monday, now))
            }
        }
        for (user, role, region) in [("region-east", HQRole.region, "华东"), ("agent1", .agent, nil), ("agent2", .agent, nil)] {
            try await s.store.addUser(name: user, password: password, role: role, region: region, dealerCode: nil)
        }
        print("kiosk-hq demo: 6 dealers with packs; users agent1, agent2, region-east, dealer-xz01 … all with password \(password)")
    }
}
