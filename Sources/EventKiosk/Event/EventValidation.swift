import Foundation

extension EventConfig {
    /// Lottery-style promotions in China may not offer more than ¥50,000 (Anti-Unfair Competition Law, art. 10).
    public static let promotionPrizeLimit = 50_000
    /// The largest amount in yuan and the largest count the file may name: every sum the day makes of them (a rebate
    /// times the orders, the wheel's total stock) stays far inside a 64-bit integer, so no file can overflow one.
    public static let maxYuan = 1_000_000
    public static let maxCount = 100_000

    /// Every problem in the file, each naming its field. Empty when the event can go live.
    public func validate() -> [EventProblem] {
        var problems: [EventProblem] = []
        func check(_ ok: Bool, _ field: String, _ message: String) {
            if !ok { problems.append(EventProblem(field: field, message: Self.bilingual(message))) }
        }

        check(!name.trimmed.isEmpty, "name", "must not be empty")
        check(name.count <= 100, "name", "is longer than 100 characters")
        check(Self.isValidDate(date), "date", "must be a date written YYYY-MM-DD, got \"\(date)\"")
        if let startTime { check(Self.isValidTime(startTime), "start_time", "must be HH:MM, got \"\(startTime)\"") }
        if let endTime { check(Self.isValidTime(endTime), "end_time", "must be HH:MM, got \"\(endTime)\"") }
        check(!venue.trimmed.isEmpty, "venue", "must not be empty")
        check(!dealer.trimmed.isEmpty, "dealer", "must not be empty")

        check(!doors.isEmpty, "doors", "must list at least one door")
        for (i, door) in doors.enumerated() {
            check(!door.trimmed.isEmpty && door.count <= 30, "doors[\(i)]", "must be a name of 1 to 30 characters")
            check(doors.firstIndex(of: door) == i, "doors[\(i)]", "\"\(door)\" is listed twice")
        }

        for (i, model) in (models ?? []).enumerated() {
            check(!model.trimmed.isEmpty && model.count <= 40, "models[\(i)]", "must be a name of 1 to 40 characters")
            check(models?.firstIndex(of: model) == i, "models[\(i)]", "\"\(model)\" is listed twice")
        }

        for (i, tier) in tiers.enumerated() {
            check(tier.from >= 1, "tiers[\(i)].from", "must be 1 or more, got \(tier.from)")
            check(tier.from <= Self.maxCount, "tiers[\(i)].from", "must be at most \(Self.maxCount), got \(tier.from)")
            check(tier.rebate >= 0, "tiers[\(i)].rebate", "must not be negative, got \(tier.rebate)")
            check(tier.rebate <= Self.maxYuan, "tiers[\(i)].rebate", "must be at most ¥\(Self.maxYuan), got \(tier.rebate)")
            if i > 0 {
                let prev = tiers[i - 1]
                check(tier.from > prev.from, "tiers[\(i)].from", "must be larger than the tier before (\(prev.from)), got \(tier.from)")
                check(tier.rebate > prev.rebate, "tiers[\(i)].rebate", "must be larger than the tier before (\(prev.rebate)), got \(tier.rebate)")
            }
        }

        if let expectedOrders { check((0...10_000).contains(expectedOrders), "expected_orders", "must be 0 to 10000, got \(expectedOrders)") }
        check(!wheel.prizes.isEmpty, "wheel.prizes", "must list at least one prize")
        if let n = wheel.bonusSpinsPerGuest { check((0...20).contains(n), "wheel.bonus_spins_per_guest", "must be 0 to 20, got \(n)") }
        if let n = wheel.bonusSpins { check((0...1000).contains(n), "wheel.bonus_spins", "must be 0 to 1000, got \(n)") }
        var prizeIDs = Set<String>()
        for (i, prize) in wheel.prizes.enumerated() {
            let f = "wheel.prizes[\(i)]"
            check(
                prize.id.range(of: "^[a-z0-9_-]{1,40}$", options: .regularExpression) != nil, "\(f).id",
                "must be 1 to 40 of a-z, 0-9, _ or - (leave it empty to have one made), got \"\(prize.id)\"")
            check(prizeIDs.insert(prize.id).inserted, "\(f).id", "\"\(prize.id)\" is used twice")
            check(!prize.name.trimmed.isEmpty, "\(f).name", "must not be empty")
            check(prize.value >= 0, "\(f).value", "must not be negative, got \(prize.value)")
            check(prize.value <= Self.maxYuan, "\(f).value", "must be at most ¥\(Self.maxYuan), got \(prize.value)")
            check(prize.stock >= 0, "\(f).stock", "must not be negative, got \(prize.stock)")
            check(prize.stock <= Self.maxCount, "\(f).stock", "must be at most \(Self.maxCount), got \(prize.stock)")
        }

        for (i, draw) in draws.enumerated() {
            let f = "draws[\(i)]"
            check(!draw.name.trimmed.isEmpty, "\(f).name", "must not be empty")
            check(draw.value >= 0, "\(f).value", "must not be negative, got \(draw.value)")
            check(draw.value <= Self.maxYuan, "\(f).value", "must be at most ¥\(Self.maxYuan), got \(draw.value)")
            check(["orders", "checked_in"].contains(draw.pool), "\(f).pool", "must be \"orders\" or \"checked_in\", got \"\(draw.pool)\"")
            check(draw.winners >= 1, "\(f).winners", "must be 1 or more, got \(draw.winners)")
            check(draw.winners <= 1000, "\(f).winners", "must be at most 1000, got \(draw.winners)")
            check(draw.alternates >= 0, "\(f).alternates", "must not be negative, got \(draw.alternates)")
            check(draw.alternates <= 1000, "\(f).alternates", "must be at most 1000, got \(draw.alternates)")
        }

        check(
            inspectionTemplate.range(of: #"^[A-Za-z0-9_.-]+\.json$"#, options: .regularExpression) != nil,
            "inspection_template", "must be a .json file name, got \"\(inspectionTemplate)\"")

        for (i, bus) in (buses ?? []).enumerated() {
            let f = "buses[\(i)]"
            check(!bus.name.trimmed.isEmpty && bus.name.count <= 30, "\(f).name", "须为 1–30 个字 / must be 1 to 30 characters")
            check(!doors.contains(bus.name), "\(f).name", "不能与门口同名 / must not be the name of a door")
            check(
                Self.isValidTime(bus.departs), "\(f).departs",
                "发车时间须为 HH:MM / "
                    + "must be a time written HH:MM, got \"\(bus.departs.prefix(20))\"")
            check(bus.seats >= 1 && bus.seats <= 100, "\(f).seats", "座位须为 1–100 / a bus needs 1 to 100 seats, got \(bus.seats)")
            check(!bus.meetingPoint.trimmed.isEmpty, "\(f).meeting_point", "请填写集合地点 / the meeting point is missing")
        }
        if let campaign {
            for (field, value) in [
                ("parties", campaign.parties), ("people", campaign.people), ("orders", campaign.orders),
                ("per_consultant", campaign.perConsultant),
            ] {
                if let value { check((0...10_000).contains(value), "campaign.\(field)", "must be 0 to 10000, got \(value)") }
            }
            for (i, r) in (campaign.reminders ?? []).enumerated() {
                let f = "campaign.reminders[\(i)]"
                check(Self.isValidTime(r.at), "\(f).at", "提醒时间须为 HH:MM / must be a time written HH:MM, got \"\(r.at.prefix(20))\"")
                check(["sms", "call"].contains(r.kind), "\(f).kind", "须为 sms 或 call / must be \"sms\" or \"call\", got \"\(r.kind.prefix(20))\"")
                if r.kind == "sms" {
                    check(!(r.text ?? "").trimmed.isEmpty, "\(f).text", "短信须有内容 / an SMS needs its text")
                    check((r.text ?? "").count <= 300, "\(f).text", "短信最多 300 字 / an SMS text is at most 300 characters")
                }
            }
        }
        if let survey {
            check((4...6).contains(survey.questions.count), "survey.questions", "must list 4 to 6 questions, got \(survey.questions.count)")
            for (i, q) in survey.questions.enumerated() {
                check(
                    q.id.range(of: "^[a-z0-9_]{1,30}$", options: .regularExpression) != nil, "survey.questions[\(i)].id",
                    "must be 1 to 30 of a-z, 0-9 or _ (leave it empty to have one made)")
                check(survey.questions.firstIndex { $0.id == q.id } == i, "survey.questions[\(i)].id", "\"\(q.id)\" is used twice")
                check(!q.text.trimmed.isEmpty && q.text.count <= 100, "survey.questions[\(i)].text", "must be 1 to 100 characters")
            }
        }
        for (i, table) in (tables ?? []).enumerated() {
            let f = "tables[\(i)]"
            check(!table.name.trimmed.isEmpty && table.name.count <= 30, "\(f).name", "须为 1–30 个字 / must be 1 to 30 characters")
            check(tables?.firstIndex { $0.name == table.name } == i, "\(f).name", "「\(table.name)」重复 / \"\(table.name)\" is listed twice")
            check((1...100).contains(table.seats), "\(f).seats", "座位须为 1–100 / a table seats 1 to 100, got \(table.seats)")
        }
        if let url = publicUrl, !url.trimmed.isEmpty {
            check(
                LinkBase.isPublic(url), "public_url",
                "须为 http(s):// 开头的公网地址，不能是 localhost 或 127.0.0.1 / "
                    + "must be an http(s):// address guests reach from home, not localhost or 127.0.0.1, got \"\(url.prefix(60))\"")
        }
        if let inviteesFile {
            check(
                inviteesFile.range(of: #"^[A-Za-z0-9_.-]+\.csv$"#, options: .regularExpression) != nil,
                "invitees_file", "must be a .csv file name next to the event file, got \"\(inviteesFile)\"")
        }
        problems += promotionProblems()
        return problems
    }

    /// Chinese first, as the rest of the product speaks to the marketing assistant who fixes the file or the form;
    /// the English stays after it (logs, and anyone reading the file who does not read Chinese).
    static func bilingual(_ message: String) -> String {
        let zh: [(String, String)] = [
            ("must not be empty", "不能为空"), ("is longer than", "太长"), ("must be a date written", "日期须写成 年-月-日（如 2026-12-06）"),
            ("must be HH:MM", "时间须写成 时:分（如 09:30）"), ("must list at least one door", "至少要有一个门口"),
            ("must be a name of", "名称长度不对"), ("is listed twice", "重复了"), ("is used twice", "重复了"),
            ("must be 1 or more", "至少为 1"), ("must not be negative", "不能为负数"), ("must be at most", "超出上限"),
            ("must be larger than the tier before", "必须比上一档大"), ("must be 0 to 10000", "须为 0–10000"),
            ("must be 0 to 20", "须为 0–20"), ("must be 0 to 1000", "须为 0–1000"),
            ("must list at least one prize", "至少要有一个奖品"),
            ("must be 1 to 40 of a-z", "代码只能用小写字母、数字、_ 或 -（1–40 个；留空会自动生成）"),
            ("must be \"orders\" or \"checked_in\"", "须为 orders（下单客户）或 checked_in（到场来宾）"),
            ("must be a .json file name", "须为 .json 文件名"), ("must list 4 to 6 questions", "问卷须有 4–6 题"),
            ("must be 1 to 30 of a-z", "代码只能用小写字母、数字或 _（1–30 个；留空会自动生成）"),
            ("must be 1 to 100 characters", "须为 1–100 个字"),
            ("must be a .csv file name", "须为与活动文件同目录的 .csv 文件名"),
        ]
        guard let hit = zh.first(where: { message.contains($0.0) }) else { return message }
        return "\(hit.1) / \(message)"
    }

    /// The promotion-law check: the top draw prize, and the most one order can win, stay within the limit.
    func promotionProblems() -> [EventProblem] {
        let limit = Self.promotionPrizeLimit
        // Clamped, so the sum below cannot overflow before the bounds above have refused the file.
        let topDraw = min(draws.map(\.value).max() ?? 0, Self.maxYuan + 1)
        let topWheel = min(wheel.prizes.map(\.value).max() ?? 0, Self.maxYuan + 1)
        var problems: [EventProblem] = []
        if let i = draws.firstIndex(where: { $0.value > limit }) {
            problems.append(
                EventProblem(
                    field: "draws[\(i)].value",
                    message:
                        "抽奖最高奖金额不得超过 ¥\(limit)（反不正当竞争法第十条）/ a lottery prize may not be worth more than ¥\(limit) (Anti-Unfair Competition Law art. 10), got ¥\(draws[i].value)"
                ))
        } else if topDraw + topWheel > limit {
            problems.append(
                EventProblem(
                    field: "wheel.prizes",
                    message:
                        "一单可中的转盘最高奖加抽奖最高奖 ¥\(topWheel + topDraw) 超过 ¥\(limit) / "
                        + "the largest wheel prize plus the top draw prize one order can win (¥\(topWheel + topDraw)) is more than ¥\(limit)"
                ))
        }
        return problems
    }

    static func isValidDate(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard s.count == 10, parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return false }
        var c = DateComponents(); c.year = y; c.month = m; c.day = d
        return (2000...2100).contains(y) && (1...12).contains(m) && (1...31).contains(d)
            && Calendar(identifier: .gregorian).date(from: c).map { Calendar(identifier: .gregorian).component(.day, from: $0) == d } == true
    }

    static func isValidTime(_ s: String) -> Bool {
        let p = s.split(separator: ":")
        guard p.count == 2, p[0].count == 2, p[1].count == 2, let h = Int(p[0]), let m = Int(p[1]) else { return false }
        return (0...23).contains(h) && (0...59).contains(m)
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
    /// Trimmed, or nil when nothing is left.
    var trimmedOrNil: String? { let t = trimmed; return t.isEmpty ? nil : t }
}
