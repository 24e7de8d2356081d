import Foundation

/// The campaign's calendar, in Asia/Shanghai: ISO weeks (`2026-W49`) and each week's deadline, the Monday after at 17:00.
public enum Week {
    public static let zone = TimeZone(identifier: "Asia/Shanghai")!

    static var calendar: Calendar {
        var c = Calendar(identifier: .iso8601)
        c.timeZone = zone
        return c
    }

    /// The ISO week an instant falls in, in Shanghai.
    public static func of(_ date: Date) -> String {
        let c = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
        return String(format: "%04d-W%02d", c.yearForWeekOfYear ?? 0, c.weekOfYear ?? 0)
    }

    /// The ISO week of a calendar day `YYYY-MM-DD`, or nil when it is not one.
    public static func of(day: String) -> String? { dayStart(day).map(of) }

    /// Midnight in Shanghai of `YYYY-MM-DD`.
    public static func dayStart(_ day: String) -> Date? {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, day.count == 10 else { return nil }
        let dc = DateComponents(year: parts[0], month: parts[1], day: parts[2])
        guard dc.isValidDate(in: calendar) else { return nil }
        return calendar.date(from: dc)
    }

    /// Whether `text` is a week as the API takes it (`YYYY-Www`).
    public static func isWeek(_ text: String) -> Bool { monday(of: text) != nil }

    /// Monday 00:00 (Shanghai) of an ISO week.
    public static func monday(of week: String) -> Date? {
        let parts = week.split(separator: "-W")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int(parts[0]), let w = Int(parts[1]), (1...53).contains(w)
        else { return nil }
        let dc = DateComponents(weekday: 2, weekOfYear: w, yearForWeekOfYear: y)
        guard let d = calendar.date(from: dc), of(d) == week else { return nil }
        return d
    }

    /// The week's 汇总表 is due the Monday after, by `hour`:00 Shanghai time.
    public static func deadline(of week: String, hour: Int = 17) -> Date? {
        monday(of: week).flatMap { calendar.date(byAdding: DateComponents(day: 7, hour: hour), to: $0) }
    }

    /// The calendar day (`YYYY-MM-DD`, Shanghai) of an instant, and of the day after.
    public static func day(_ date: Date, plus days: Int = 0) -> String {
        let d = calendar.date(byAdding: .day, value: days, to: date) ?? date
        let c = calendar.dateComponents([.year, .month, .day], from: d)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }
}
