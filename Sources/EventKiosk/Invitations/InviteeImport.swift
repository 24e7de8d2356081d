import Foundation
import KioskFormats

/// One invitee row as read from a DMS/Excel export, before it is stored.
public struct InviteeDraft: Sendable, Equatable {
    public var name: String
    public var phone: String
    public var plate: String?
    public var vin: String?
    public var model: String?
    public var consultant: String?
    public var partySize: Int
    /// False when the file gave no party size (no 人数 column, or an empty cell): an import then keeps the stored one.
    public var partySizeGiven = true
}

/// A row that could not be used, and why.
public struct ImportRejection: Codable, Sendable, Equatable {
    public let line: Int
    public let reason: String
}

/// Reads an invitee CSV: headers in Chinese or English in any order, a reason for every rejected row.
public struct InviteeImport: Sendable {
    public let rows: [(line: Int, draft: InviteeDraft)]
    public let rejected: [ImportRejection]
    public let encoding: TextDecoding.Encoding

    public static let maxRows = 20_000

    public struct Failure: Error, Sendable { public let message: String }

    enum Field: String, CaseIterable { case name, phone, plate, vin, model, consultant, partySize }

    /// Header spellings seen in DMS and Excel exports, compared after trimming, lower-casing and removing spaces.
    static let headerAliases: [String: Field] = [
        "姓名": .name, "客户姓名": .name, "客户": .name, "name": .name, "customer": .name,
        "手机": .phone, "手机号": .phone, "手机号码": .phone, "电话": .phone, "联系电话": .phone, "phone": .phone, "mobile": .phone,
        "车牌": .plate, "车牌号": .plate, "车牌号码": .plate, "plate": .plate,
        "vin": .vin, "车架号": .vin, "vin码": .vin,
        "车型": .model, "意向车型": .model, "model": .model,
        "销售顾问": .consultant, "顾问": .consultant, "consultant": .consultant,
        "人数": .partySize, "同行人数": .partySize, "party_size": .partySize, "partysize": .partySize,
    ]

    public init(bytes: [UInt8]) throws {
        let decoded: (text: String, encoding: TextDecoding.Encoding)
        do { decoded = try TextDecoding.decode(bytes) } catch let e as TextDecoding.Failure { throw Failure(message: e.message) }
        encoding = decoded.encoding
        let table = CSVTable(parsing: decoded.text)
        guard let header = table.records.first else {
            throw Failure(message: "文件是空的 / The file is empty")
        }
        var columns: [Field: Int] = [:]
        for (i, raw) in header.fields.enumerated() {
            let key = raw.lowercased().filter { !$0.isWhitespace && $0 != "\u{FEFF}" }
            if let field = Self.headerAliases[key], columns[field] == nil { columns[field] = i }
        }
        var missing: [String] = []
        if columns[.name] == nil { missing.append("姓名/name") }
        if columns[.phone] == nil { missing.append("手机/phone") }
        guard missing.isEmpty else {
            throw Failure(
                message:
                    "第 \(header.line) 行表头缺少必填列：\(missing.joined(separator: "、")) / "
                    + "The header row lacks the required column(s) \(missing.joined(separator: ", "))"
            )
        }
        let body = table.records.dropFirst()
        guard body.count <= Self.maxRows else {
            throw Failure(
                message: "行数过多（\(body.count)），一次最多 \(Self.maxRows) 行 / "
                    + "Too many rows (\(body.count)); at most \(Self.maxRows) per file")
        }

        var rows: [(Int, InviteeDraft)] = []
        var rejected: [ImportRejection] = []
        var firstLine: [String: Int] = [:]  // phone → the line it first appeared on
        for record in body {
            if record.fields.allSatisfy({ $0.trimmed.isEmpty }) { continue }
            func value(_ f: Field) -> String? {
                guard let i = columns[f], i < record.fields.count else { return nil }
                let v = record.fields[i].trimmed
                return v.isEmpty ? nil : v
            }
            switch Self.draft(
                name: value(.name), phone: value(.phone), plate: value(.plate), vin: value(.vin),
                model: value(.model), consultant: value(.consultant), partySize: value(.partySize))
            {
            case .success(var draft):
                // The same phone twice in one file: the later row is reported, never silently put over the earlier one.
                if let earlier = firstLine[draft.phone] {
                    rejected.append(
                        ImportRejection(
                            line: record.line,
                            reason: "手机号与第 \(earlier) 行重复，未导入 / the phone repeats line \(earlier) of this file; not imported"))
                    continue
                }
                firstLine[draft.phone] = record.line
                draft.partySizeGiven = value(.partySize) != nil
                rows.append((record.line, draft))
            case .failure(let reason): rejected.append(ImportRejection(line: record.line, reason: reason.message))
            }
        }
        self.rows = rows
        self.rejected = rejected
    }

    /// Checks and normalises one invitee's fields; shared by the CSV import and single edits.
    public static func draft(
        name: String?, phone: String?, plate: String?, vin: String?, model: String?,
        consultant: String?, partySize: String?
    ) -> Result<InviteeDraft, Failure> {
        guard let name = name?.trimmed, !name.isEmpty else { return .failure(Failure(message: "缺少姓名 / name is missing")) }
        guard name.count <= 30 else { return .failure(Failure(message: "姓名过长 / name is longer than 30 characters")) }
        guard let rawPhone = phone, !rawPhone.trimmed.isEmpty else { return .failure(Failure(message: "缺少手机号 / phone is missing")) }
        guard let phone = PhoneNumber.normalize(rawPhone) else {
            return .failure(Failure(message: "手机号无效：\(rawPhone.prefix(30)) / not an 11-digit mainland mobile number: \(rawPhone.prefix(30))"))
        }
        var size = 1
        if let partySize {
            guard let n = Int(partySize.trimmed), (1...20).contains(n) else {
                return .failure(Failure(message: "人数须为 1–20：\(partySize.prefix(10)) / party size must be 1 to 20: \(partySize.prefix(10))"))
            }
            size = n
        }
        let vinValue = vin.map { $0.uppercased().filter { !$0.isWhitespace } }
        if let v = vinValue, !v.isEmpty, v.range(of: "^[A-HJ-NPR-Z0-9]{17}$", options: .regularExpression) == nil {
            return .failure(Failure(message: "车架号须为 17 位：\(v.prefix(30)) / VIN must be 17 letters and digits: \(v.prefix(30))"))
        }
        func clip(_ s: String?, _ n: Int) -> String? { s.map { String($0.trimmed.prefix(n)) }.flatMap { $0.isEmpty ? nil : $0 } }
        return .success(
            InviteeDraft(
                name: name, phone: phone, plate: clip(plate.map(Plate.normalize), 12),
                vin: clip(vinValue, 17), model: clip(model, 40), consultant: clip(consultant, 30), partySize: size))
    }
}
