import Foundation

/// The inspection form a dealer can edit (`Assets/inspection-21.json`): items grouped by zone, each with its
/// measured values, their physical range and colour thresholds, and canned advice.
public struct InspectionTemplate: Codable, Sendable, Equatable {
    public var name: String
    public var nameEn: String?
    public var zones: [Zone]
    /// General advice phrases offered for every item (建议保养 / 建议维修 / 立即更换).
    public var advice: [String]
    public var items: [Item]

    public struct Zone: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public var nameEn: String?
    }

    public struct Item: Codable, Sendable, Equatable {
        public var id: String
        public var no: Int
        public var name: String
        public var nameEn: String?
        public var zone: String
        public var hint: String?
        /// The statuses a technician may pick; nil means ok / advise / urgent. Lamps are ok or fails (`["ok", "urgent"]`).
        public var choices: [InspectionStatus]?
        /// Whether "not applicable" is allowed (e.g. electric power steering has no fluid).
        public var naAllowed: Bool?
        public var values: [Value]
        public var advice: [String]

        var allowedChoices: [InspectionStatus] { choices ?? [.ok, .advise, .urgent] }
    }

    /// One measured value. `min`/`max` is the physically possible range; `green`/`red` are conditions such as
    /// `">3.5"` or `"<=1.6"` (anything in between is yellow). With `compare_to`, the condition applies to this
    /// value minus the referenced one (`difference`) or to the absolute gap (`distance`).
    public struct Value: Codable, Sendable, Equatable {
        public var key: String
        public var label: String
        public var labelEn: String?
        public var unit: String
        public var min: Double
        public var max: Double
        public var optional: Bool?
        public var integer: Bool?
        public var green: String?
        public var red: String?
        public var compareTo: String?
        public var compare: Comparison?

        public enum Comparison: String, Codable, Sendable { case difference, distance }

        var isOptional: Bool { optional ?? false }
    }

    public func item(_ id: String) -> Item? { items.first { $0.id == id } }

    /// Loads and checks a template file; problems name the field, like the event file's.
    public static func load(file: URL) throws -> InspectionTemplate {
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw EventFileError(source: file.path, problems: [EventProblem(field: "inspection_template", message: "\(file.path) cannot be read")])
        }
        return try load(data: data, source: file.path)
    }

    public static func load(data: Data, source: String) throws -> InspectionTemplate {
        let template: InspectionTemplate
        do { template = try JSON.decoder.decode(InspectionTemplate.self, from: data) } catch let error as DecodingError {
            throw EventFileError(source: source, problems: [EventConfig.problem(from: error)])
        }
        let problems = template.validate()
        guard problems.isEmpty else { throw EventFileError(source: source, problems: problems) }
        return template
    }

    // MARK: - Validation

    /// Every problem in the template, each naming its field (`items[15].values[0].red: …`).
    public func validate() -> [EventProblem] {
        var problems: [EventProblem] = []
        func check(_ ok: Bool, _ field: String, _ message: String) {
            if !ok { problems.append(EventProblem(field: field, message: message)) }
        }
        check(!name.trimmed.isEmpty, "name", "must not be empty")
        check(!zones.isEmpty, "zones", "needs at least one zone")
        check(!items.isEmpty, "items", "needs at least one item")
        let zoneIDs = Set(zones.map(\.id))
        check(zoneIDs.count == zones.count, "zones", "zone ids must be unique")
        var seenIDs = Set<String>(), seenNos = Set<Int>()
        for (i, item) in items.enumerated() {
            let f = "items[\(i)]"
            check(
                item.id.range(of: "^[a-z0-9_]{1,40}$", options: .regularExpression) != nil, "\(f).id",
                "must be 1–40 of a–z, 0–9, _; got \"\(item.id.prefix(40))\"")
            check(seenIDs.insert(item.id).inserted, "\(f).id", "\"\(item.id)\" is used twice")
            check(seenNos.insert(item.no).inserted, "\(f).no", "\(item.no) is used twice")
            check(!item.name.trimmed.isEmpty, "\(f).name", "must not be empty")
            check(zoneIDs.contains(item.zone), "\(f).zone", "\"\(item.zone)\" is not one of the zones")
            check(
                !item.allowedChoices.isEmpty && !item.allowedChoices.contains(.na), "\(f).choices",
                "must list some of ok, advise, urgent (use na_allowed for n/a)")
            var keys = Set<String>()
            for (j, v) in item.values.enumerated() {
                let vf = "\(f).values[\(j)]"
                check(v.key.range(of: "^[a-z0-9_]{1,20}$", options: .regularExpression) != nil, "\(vf).key", "must be 1–20 of a–z, 0–9, _")
                check(keys.insert(v.key).inserted, "\(vf).key", "\"\(v.key)\" is used twice in this item")
                check(v.min < v.max, "\(vf).min", "must be less than max")
                for (name, cond) in [("green", v.green), ("red", v.red)] {
                    if let cond { check(Condition(cond) != nil, "\(vf).\(name)", "must be like \">3.5\" or \"<=1.6\", got \"\(cond.prefix(20))\"") }
                }
                check((v.green == nil) == (v.red == nil), "\(vf).green", "green and red go together")
                if let ref = v.compareTo {
                    check(
                        item.values.contains { $0.key == ref && $0.compareTo == nil }, "\(vf).compare_to",
                        "\"\(ref)\" is not a plain value of this item")
                    check(v.compare != nil, "\(vf).compare", "must be difference or distance when compare_to is set")
                }
            }
        }
        return problems
    }
}

/// What a technician says about an item, and the colour it ends up with.
public enum InspectionStatus: String, Codable, Sendable, Comparable, CaseIterable {
    case na, ok, advise, urgent

    var rank: Int {
        switch self {
        case .na: 0;
        case .ok: 1;
        case .advise: 2;
        case .urgent: 3
        }
    }
    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }

    /// green / yellow / red, as the form and the report show it.
    public var colour: String {
        switch self {
        case .na: "none";
        case .ok: "green";
        case .advise: "yellow";
        case .urgent: "red"
        }
    }
    public var chinese: String {
        switch self {
        case .na: "不适用";
        case .ok: "正常";
        case .advise: "建议";
        case .urgent: "紧急"
        }
    }
}

/// A threshold such as `<=1.6`: an operator and a number.
public struct Condition: Sendable, Equatable {
    public enum Op: String, Sendable, CaseIterable { case le = "<=", ge = ">=", lt = "<", gt = ">" }
    public let op: Op
    public let bound: Double

    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard let op = [Op.le, .ge, .lt, .gt].first(where: { t.hasPrefix($0.rawValue) }),
            let bound = Double(t.dropFirst(op.rawValue.count).trimmingCharacters(in: .whitespaces)), bound.isFinite
        else { return nil }
        self.op = op
        self.bound = bound
    }

    public func holds(_ x: Double) -> Bool {
        switch op {
        case .le: x <= bound
        case .ge: x >= bound
        case .lt: x < bound
        case .gt: x > bound
        }
    }
}
