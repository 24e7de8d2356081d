import Foundation

/// Charts for the end-of-day report, drawn here as SVG (no chart library, nothing from a CDN). Pure: data in,
/// markup out, so the report prints the same on paper and opens the same from the evidence pack.
public enum SVGChart {
    public struct Bar: Sendable, Equatable {
        public let label: String
        public let value: Int
        /// A second value drawn on top in red (e.g. urgent defects within all defects); 0 for none.
        public let highlight: Int
        public init(_ label: String, _ value: Int, highlight: Int = 0) { self.label = label; self.value = value; self.highlight = highlight }
    }

    /// A horizontal bar per label, longest scale = the largest value; labels on the left, values at the bar's end.
    public static func horizontalBars(_ bars: [Bar], title: String, width: Int = 640, colour: String = "#1f6feb") -> String {
        let e = HTML.escape
        guard !bars.isEmpty else { return empty(title) }
        let row = 26, labelWidth = 190, top = 8
        let height = top + bars.count * row + 8
        let maxValue = max(1, bars.map(\.value).max() ?? 1)
        let span = Double(width - labelWidth - 50)
        var out =
            ##"<svg class="chart" role="img" viewBox="0 0 \##(width) \##(height)" width="\##(width)" height="\##(height)" xmlns="http://www.w3.org/2000/svg"><title>\##(e(title))</title>"##
        for (i, bar) in bars.enumerated() {
            let y = top + i * row
            let w = Int((Double(bar.value) / Double(maxValue) * span).rounded())
            let hw = Int((Double(bar.highlight) / Double(maxValue) * span).rounded())
            out += ##"<text x="\##(labelWidth - 8)" y="\##(y + 17)" text-anchor="end" font-size="13">\##(e(clip(bar.label, 16)))</text>"##
            out +=
                ##"<rect x="\##(labelWidth)" y="\##(y + 4)" width="\##(w)" height="18" fill="\##(colour)"><title>\##(e(bar.label)): \##(bar.value)</title></rect>"##
            if bar.highlight > 0 { out += ##"<rect x="\##(labelWidth)" y="\##(y + 4)" width="\##(hw)" height="18" fill="#d1242f"/>"## }
            out += ##"<text x="\##(labelWidth + w + 6)" y="\##(y + 17)" font-size="13">\##(bar.value)</text>"##
        }
        return out + "</svg>"
    }

    /// A column per time slot (e.g. arrivals per 15 minutes), slot labels under every few columns.
    public static func columns(_ bars: [Bar], title: String, width: Int = 640, height: Int = 220, colour: String = "#2da44e") -> String {
        let e = HTML.escape
        guard !bars.isEmpty else { return empty(title) }
        let left = 36, bottom = 28, top = 12
        let plotH = Double(height - bottom - top)
        let maxValue = max(1, bars.map(\.value).max() ?? 1)
        let slot = Double(width - left - 8) / Double(bars.count)
        let every = max(1, Int((Double(bars.count) / 8).rounded(.up)))
        var out =
            ##"<svg class="chart" role="img" viewBox="0 0 \##(width) \##(height)" width="\##(width)" height="\##(height)" xmlns="http://www.w3.org/2000/svg"><title>\##(e(title))</title>"##
        out += axis(left: left, top: top, width: width, height: height, bottom: bottom, maxValue: maxValue)
        for (i, bar) in bars.enumerated() {
            let h = Double(bar.value) / Double(maxValue) * plotH
            let x = Double(left) + Double(i) * slot
            out +=
                ##"<rect x="\##(fmt(x + slot * 0.1))" y="\##(fmt(Double(height - bottom) - h))" width="\##(fmt(slot * 0.8))" height="\##(fmt(h))" fill="\##(colour)"><title>\##(e(bar.label)): \##(bar.value)</title></rect>"##
            if i % every == 0 {
                out += ##"<text x="\##(fmt(x + slot / 2))" y="\##(height - 10)" text-anchor="middle" font-size="11">\##(e(bar.label))</text>"##
            }
        }
        return out + "</svg>"
    }

    /// A running total as a step line (orders over the day), with dashed lines where each rebate tier starts.
    public static func runningTotal(
        _ points: [Bar], marks: [(value: Int, label: String)], title: String,
        width: Int = 640, height: Int = 240, colour: String = "#8250df"
    ) -> String {
        let e = HTML.escape
        guard !points.isEmpty else { return empty(title) }
        let left = 36, bottom = 28, top = 12
        let plotH = Double(height - bottom - top)
        let visibleMarks = marks.filter { $0.value <= max(points.map(\.value).max() ?? 0, 1) + 5 }
        let maxValue = max(1, (points.map(\.value) + visibleMarks.map(\.value)).max() ?? 1)
        let slot = Double(width - left - 8) / Double(points.count)
        func y(_ v: Int) -> Double { Double(height - bottom) - Double(v) / Double(maxValue) * plotH }
        var out =
            ##"<svg class="chart" role="img" viewBox="0 0 \##(width) \##(height)" width="\##(width)" height="\##(height)" xmlns="http://www.w3.org/2000/svg"><title>\##(e(title))</title>"##
        out += axis(left: left, top: top, width: width, height: height, bottom: bottom, maxValue: maxValue)
        for mark in visibleMarks {
            out +=
                ##"<line x1="\##(left)" x2="\##(width - 8)" y1="\##(fmt(y(mark.value)))" y2="\##(fmt(y(mark.value)))" stroke="#bf8700" stroke-dasharray="4 3"/>"##
            out += ##"<text x="\##(left + 4)" y="\##(fmt(y(mark.value) - 3))" font-size="11" fill="#9a6700">\##(e(mark.label))</text>"##
        }
        var path = "M\(left) \(fmt(y(0)))"
        for (i, p) in points.enumerated() {
            let x0 = Double(left) + Double(i) * slot
            path += " L\(fmt(x0)) \(fmt(y(p.value))) L\(fmt(x0 + slot)) \(fmt(y(p.value)))"
        }
        out += ##"<path d="\##(path)" fill="none" stroke="\##(colour)" stroke-width="2.5"/>"##
        let every = max(1, Int((Double(points.count) / 8).rounded(.up)))
        for (i, p) in points.enumerated() where i % every == 0 {
            out +=
                ##"<text x="\##(fmt(Double(left) + (Double(i) + 0.5) * slot))" y="\##(height - 10)" text-anchor="middle" font-size="11">\##(e(p.label))</text>"##
        }
        if let last = points.last {
            out +=
                ##"<text x="\##(width - 10)" y="\##(fmt(y(last.value) - 6))" text-anchor="end" font-size="13" font-weight="bold">\##(last.value)</text>"##
        }
        return out + "</svg>"
    }

    // MARK: - Parts

    static func axis(left: Int, top: Int, width: Int, height: Int, bottom: Int, maxValue: Int) -> String {
        let base = height - bottom
        return ##"<line x1="\##(left)" x2="\##(width - 8)" y1="\##(base)" y2="\##(base)" stroke="#888"/>"##
            + ##"<line x1="\##(left)" x2="\##(left)" y1="\##(top)" y2="\##(base)" stroke="#888"/>"##
            + ##"<text x="\##(left - 4)" y="\##(top + 10)" text-anchor="end" font-size="11">\##(maxValue)</text>"##
            + ##"<text x="\##(left - 4)" y="\##(base)" text-anchor="end" font-size="11">0</text>"##
    }

    static func empty(_ title: String) -> String {
        ##"<p class="muted">\##(HTML.escape(title))：暂无数据 / no data yet</p>"##
    }

    static func clip(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(n - 1)) + "…" }

    static func fmt(_ d: Double) -> String { String(format: "%.1f", d) }
}

/// Counts per 15 minutes of the day, from the first slot with anything in it to the last, empty slots included.
public enum QuarterHours {
    public static func count(_ dates: [Date], calendar: Calendar = .current) -> [SVGChart.Bar] {
        guard let first = dates.min(), let last = dates.max() else { return [] }
        func slotStart(_ d: Date) -> Date {
            var c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: d)
            c.minute = (c.minute ?? 0) / 15 * 15
            return calendar.date(from: c) ?? d
        }
        var counts: [Date: Int] = [:]
        for d in dates { counts[slotStart(d), default: 0] += 1 }
        let f = DateFormatter()
        f.calendar = calendar; f.timeZone = calendar.timeZone; f.dateFormat = "HH:mm"
        var bars: [SVGChart.Bar] = []
        var slot = slotStart(first)
        let end = slotStart(last)
        while slot <= end && bars.count < 24 * 4 * 3 {
            bars.append(SVGChart.Bar(f.string(from: slot), counts[slot] ?? 0))
            slot = slot.addingTimeInterval(15 * 60)
        }
        return bars
    }

    /// The running total at the end of each slot.
    public static func runningTotal(_ dates: [Date], calendar: Calendar = .current) -> [SVGChart.Bar] {
        var total = 0
        return count(dates, calendar: calendar).map {
            total += $0.value; return SVGChart.Bar($0.label, total)
        }
    }
}
