import Foundation

/// The 营业收入状况分析表 the manufacturer asks for with the weekly 汇总表: inspections, defects found, repairs the
/// customers accepted and declined, and the parts and labour revenue, by ISO week, by item and by technician. Pure:
/// computed from stored inspections.
public struct RevenueAnalysis: Codable, Sendable, Equatable {
    public struct Figures: Codable, Sendable, Equatable {
        public var inspections = 0
        public var defects = 0
        /// Repairs done today or booked.
        public var accepted = 0
        public var declined = 0
        public var partsYuan = 0
        public var labourYuan = 0
        public var totalYuan: Int { partsYuan + labourYuan }

        enum CodingKeys: String, CodingKey { case inspections, defects, accepted, declined, partsYuan, labourYuan, totalYuan }
        public init() {}
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            inspections = try c.decode(Int.self, forKey: .inspections); defects = try c.decode(Int.self, forKey: .defects)
            accepted = try c.decode(Int.self, forKey: .accepted); declined = try c.decode(Int.self, forKey: .declined)
            partsYuan = try c.decode(Int.self, forKey: .partsYuan); labourYuan = try c.decode(Int.self, forKey: .labourYuan)
        }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(inspections, forKey: .inspections); try c.encode(defects, forKey: .defects)
            try c.encode(accepted, forKey: .accepted); try c.encode(declined, forKey: .declined)
            try c.encode(partsYuan, forKey: .partsYuan); try c.encode(labourYuan, forKey: .labourYuan)
            try c.encode(totalYuan, forKey: .totalYuan)
        }

        /// Adds one defect's decision and amounts.
        mutating func add(_ item: EvaluatedItem) {
            defects += 1
            switch item.decision {
            case .done?, .booked?: accepted += 1
            case .declined?: declined += 1
            case nil: break
            }
            // Declined work is quoted, not earned: only accepted repairs count as revenue.
            if item.decision == .done || item.decision == .booked {
                partsYuan += item.partsYuan ?? 0; labourYuan += item.labourYuan ?? 0
            }
        }
    }
    public struct Week: Codable, Sendable, Equatable { public let week: String; public var figures: Figures }
    public struct Item: Codable, Sendable, Equatable { public let no: Int; public let name: String; public var figures: Figures }
    public struct Technician: Codable, Sendable, Equatable {
        public let technician: String; public let week: String; public var figures: Figures
    }

    public var total = Figures()
    public var weeks: [Week] = []
    public var items: [Item] = []
    public var technicians: [Technician] = []

    /// ISO week of a moment in the kiosk's time zone, as `2026-W49`.
    public static func isoWeek(_ date: Date, timeZone: TimeZone = .current) -> String {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
        return String(format: "%04d-W%02d", c.yearForWeekOfYear ?? 0, c.weekOfYear ?? 0)
    }

    public static func compute(_ inspections: [InspectionView], timeZone: TimeZone = .current) -> RevenueAnalysis {
        var out = RevenueAnalysis()
        var weeks: [String: Figures] = [:], items: [Int: Item] = [:], techs: [String: Technician] = [:]
        for i in inspections {
            let week = isoWeek(i.at, timeZone: timeZone)
            let key = "\(i.technician)\u{0}\(week)"
            var tech = techs[key] ?? Technician(technician: i.technician, week: week, figures: Figures())
            out.total.inspections += 1; weeks[week, default: Figures()].inspections += 1; tech.figures.inspections += 1
            for item in i.items where item.status >= .advise {
                out.total.add(item); weeks[week, default: Figures()].add(item); tech.figures.add(item)
                var row = items[item.no] ?? Item(no: item.no, name: item.name, figures: Figures())
                row.figures.inspections += 1; row.figures.add(item)
                items[item.no] = row
            }
            techs[key] = tech
        }
        out.weeks = weeks.keys.sorted().map { Week(week: $0, figures: weeks[$0]!) }
        out.items = items.keys.sorted().map { items[$0]! }
        out.technicians = techs.values.sorted { ($0.week, $0.technician) < ($1.week, $1.technician) }
        return out
    }

    /// The table as the manufacturer's CSV: one row per week, per item and per technician, then the total.
    public var csvRows: (header: [String], rows: [[String]]) {
        let header = ["分组", "周/项目/技师", "检测台数", "发现缺陷项", "接受维修项", "暂不维修项", "配件收入(元)", "工时收入(元)", "合计(元)"]
        func row(_ group: String, _ name: String, _ f: Figures) -> [String] {
            [group, name, String(f.inspections), String(f.defects), String(f.accepted), String(f.declined),
             String(f.partsYuan), String(f.labourYuan), String(f.totalYuan)]
        }
        return (
            header,
            weeks.map { row("按周", $0.week, $0.figures) } + items.map { row("按项目", "\($0.no) \($0.name)", $0.figures) }
                + technicians.map { row("按技师", "\($0.technician) \($0.week)", $0.figures) } + [row("合计", "", total)]
        )
    }
}
