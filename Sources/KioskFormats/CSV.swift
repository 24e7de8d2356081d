import Foundation

/// RFC 4180 CSV: quoted fields with commas, quotes ("") and line breaks; CRLF or LF; a trailing newline is fine.
/// The records of a CSV file, for the kiosk's imports and the manufacturer's intake of packs.
public struct CSVTable: Sendable {
    /// Each record with the 1-based line number it starts on.
    public let records: [(line: Int, fields: [String])]

    public init(parsing text: String) {
        var records: [(Int, [String])] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        var fieldStarted = false

        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !fieldStarted) { records.append((recordLine, fields)) }
            fields = []; field = ""; fieldStarted = false
        }

        while let c = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; pending = next }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty: inQuotes = true; fieldStarted = true
            case ",": fields.append(field); field = ""; fieldStarted = true
            case "\r":
                if let next = iterator.next(), next != "\n" { pending = next }
                endRecord(); line += 1; recordLine = line
            case "\n":
                endRecord(); line += 1; recordLine = line
            case "\0": break
            default: field.unicodeScalars.append(c); fieldStarted = true
            }
        }
        if !field.isEmpty || !fields.isEmpty || fieldStarted { endRecord() }
        self.records = records
    }
}

/// CSV for Excel in China: UTF-8 with a BOM so Excel picks the right encoding, CRLF line ends.
public enum CSVWriter {
    public static func field(_ s: String) -> String {
        // A leading =, +, - or @ would run as a formula in Excel.
        var v = s
        if let first = v.first, "=+-@".contains(first) { v = "'" + v }
        return v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : v
    }

    public static func document(header: [String], rows: [[String]]) -> Data {
        var text = "\u{FEFF}" + header.map(field).joined(separator: ",") + "\r\n"
        for row in rows { text += row.map(field).joined(separator: ",") + "\r\n" }
        return Data(text.utf8)
    }
}

extension CSVTable {
    /// The records after the first as dictionaries keyed by the first record's names (a leading BOM dropped). With
    /// `unguarding`, a cell the writer guarded against Excel formulas (`'=…`, `'+…`, `'-…`, `'@…`) is read as written.
    public func keyed(unguarding: Bool = false) -> [(line: Int, values: [String: String])] {
        guard var header = records.first?.fields else { return [] }
        if let first = header.first, first.hasPrefix("\u{FEFF}") { header[0] = String(first.dropFirst()) }
        return records.dropFirst().map { record in
            var values: [String: String] = [:]
            for (i, name) in header.enumerated() where i < record.fields.count {
                let v = record.fields[i]
                values[name] = unguarding && v.count > 1 && v.first == "'" && "=+-@".contains(v.dropFirst().first!) ? String(v.dropFirst()) : v
            }
            return (record.line, values)
        }
    }
}
