import Foundation

/// The event file: what a dealer sets up for one event day. Loaded at the first start and kept in the database.
public struct EventConfig: Codable, Sendable, Equatable {
    public var name: String
    /// The day, `YYYY-MM-DD`.
    public var date: String
    public var startTime: String?
    public var endTime: String?
    public var venue: String
    public var dealer: String
    public var doors: [String]
    /// Car models offered on the day, as quick buttons on the sales page (optional).
    public var models: [String]?
    public var tiers: [Tier]
    public var wheel: Wheel
    public var draws: [Draw]
    /// File name of the inspection template, next to the event file or in `Assets/`.
    public var inspectionTemplate: String
    /// The guest survey (顾客信息回馈表): 4–6 questions rated 1–5 (optional).
    public var survey: Survey?
    /// The invitation campaign before the day (issue 16): goals, and the reminder rounds of the morning.
    public var campaign: Campaign?
    public struct Campaign: Codable, Sendable, Equatable {
        public var parties: Int?
        public var people: Int?
        public var orders: Int?
        /// Parties each sales consultant brings at least (the seed plan: 2).
        public var perConsultant: Int?
        /// The reminder rounds on the day: an SMS (with its text; `{name}` and `{link}` are filled in) or a call round.
        public var reminders: [Reminder]?
    }
    /// The buses to the venue (the seed plan: 9:30 from 彭城路宽段力保城): each is also a "door" where guests board.
    public var buses: [Bus]?
    public struct Bus: Codable, Sendable, Equatable {
        public var name: String
        public var meetingPoint: String
        /// HH:MM.
        public var departs: String
        public var seats: Int
    }
    public struct Reminder: Codable, Sendable, Equatable {
        /// HH:MM on the event day.
        public var at: String
        /// "sms" or "call".
        public var kind: String
        public var text: String?
    }
    public struct Survey: Codable, Sendable, Equatable {
        public var questions: [Question]
        public struct Question: Codable, Sendable, Equatable { public var id: String; public var text: String; public var textEn: String? }
    }
    /// Orders the dealer expects on the day: the readiness check wants at least this many wheel prizes (optional).
    public var expectedOrders: Int?
    /// An invitee CSV next to the event file, imported at the first start (the demo event ships one).
    public var inviteesFile: String?
    /// Where guests reach the kiosk's pages away from the venue (e.g. `https://dealer.example.com/kiosk`): links meant to
    /// be opened at home (the SMS export, reminder rounds) start with it. Without it they carry no link (`LinkBase`).
    public var publicUrl: String?
    /// The lunch tables (issue 28: the 微山湖 day seats 80 at 6 tables of 10); each checked-in party gets one.
    public var tables: [LunchTable]?
    public struct LunchTable: Codable, Sendable, Equatable {
        public var name: String
        public var seats: Int
    }

    public struct Tier: Codable, Sendable, Equatable {
        /// The order count from which this tier's rebate applies.
        public var from: Int
        /// Yuan per order.
        public var rebate: Int
    }

    public struct Wheel: Codable, Sendable, Equatable {
        public var prizes: [Prize]
        /// Bonus spins (treasure tokens, 夺宝令牌) one guest may be granted in the day; default 1.
        public var bonusSpinsPerGuest: Int?
        /// Bonus spins the MC may grant in the whole day (e.g. 10 tokens); nil = no day total.
        public var bonusSpins: Int?
        public var perGuestLimit: Int { bonusSpinsPerGuest ?? 1 }
    }

    public struct Prize: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        /// Yuan.
        public var value: Int
        public var stock: Int
    }

    public struct Draw: Codable, Sendable, Equatable {
        public var name: String
        /// Yuan, the prize's market value.
        public var value: Int
        /// "orders" or "checked_in".
        public var pool: String
        public var winners: Int
        public var alternates: Int
    }
}

// MARK: - Loading

/// A problem in the event file, naming the field so the dealer knows what to fix.
public struct EventProblem: Sendable, Equatable, CustomStringConvertible, Codable {
    public let field: String
    public let message: String
    public var description: String { "\(field): \(message)" }
}

public struct EventFileError: Error, CustomStringConvertible, Sendable {
    public let source: String
    public let problems: [EventProblem]
    public var description: String {
        "活动文件无效 / Event file \(source) is not valid:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

extension EventConfig {
    /// Decodes and validates an event file's bytes; throws `EventFileError` naming every problem.
    public static func load(data: Data, source: String) throws -> EventConfig {
        let config: EventConfig
        do {
            config = try JSON.decoder.decode(EventConfig.self, from: data)
        } catch let error as DecodingError {
            throw EventFileError(source: source, problems: [Self.problem(from: error)])
        }
        let problems = config.validate()
        guard problems.isEmpty else { throw EventFileError(source: source, problems: problems) }
        return config
    }

    public static func load(file: URL) throws -> EventConfig {
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw EventFileError(
                source: file.path, problems: [EventProblem(field: "(file)", message: "cannot be read: \(error.localizedDescription)")])
        }
        return try load(data: data, source: file.path)
    }

    static func problem(from error: DecodingError) -> EventProblem {
        func path(_ keys: [CodingKey]) -> String {
            keys.reduce("") { acc, key in
                if let i = key.intValue { return acc + "[\(i)]" }
                let snake = key.stringValue.replacingOccurrences(of: "([a-z])([A-Z])", with: "$1_$2", options: .regularExpression).lowercased()
                return acc.isEmpty ? snake : acc + "." + snake
            }
        }
        switch error {
        case .keyNotFound(let key, let ctx): return EventProblem(field: path(ctx.codingPath + [key]), message: "缺少此项 / is missing")
        case .typeMismatch(let type, let ctx):
            return EventProblem(field: path(ctx.codingPath), message: "类型不对（如应填数字）/ has the wrong type (expected \(type))")
        case .valueNotFound(let type, let ctx): return EventProblem(field: path(ctx.codingPath), message: "不能为空 / is null (expected \(type))")
        case .dataCorrupted(let ctx):
            return EventProblem(
                field: ctx.codingPath.isEmpty ? "(file)" : path(ctx.codingPath), message: "格式不对 / is not valid JSON: \(ctx.debugDescription)")
        @unknown default: return EventProblem(field: "(file)", message: "cannot be decoded")
        }
    }
}
