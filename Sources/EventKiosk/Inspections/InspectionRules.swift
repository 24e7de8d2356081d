import Foundation

/// What a technician's tablet sends; everything optional so that every missing piece can be named at once.
public struct InspectionSubmission: Decodable, Sendable {
    public var clientId: String?
    public var inviteeId: Int64?
    public var vehicle: Vehicle?
    public var customer: Customer?
    public var technician: String?
    public var items: [ItemInput]?
    public var signaturePng: String?
    /// The customer's separate consent to the manufacturer's verification call (PIPL art. 23), ticked by the customer.
    public var consentHqCall: Bool?
    /// The campaign's gift and the window sticker (标示贴), handed out on the finish screen.
    public var gift: Bool?
    public var sticker: Bool?

    public struct Vehicle: Decodable, Sendable {
        public var plate: String?
        public var vin: String?
        public var model: String?
        public var mileageKm: JSONValue?
    }
    public struct Customer: Decodable, Sendable { public var name: String?; public var phone: String? }
    public struct ItemInput: Decodable, Sendable {
        public var id: String?
        public var status: String?
        public var values: [String: JSONValue]?
        public var advice: String?
        public var note: String?
        /// A downscaled photo of the defect, as a `data:image/jpeg;base64,…` URL.
        public var photo: String?
        /// The customer's decision on a defect's advice: `done` today, `booked`, or `declined`, with its amounts.
        public var decision: String?
        public var partsYuan: JSONValue?
        public var labourYuan: JSONValue?
    }
}

/// One item as stored and reported: the technician's status, the colour the values give, and the worse of the two.
public struct EvaluatedItem: Codable, Sendable, Equatable {
    public let id: String
    public let no: Int
    public let name: String
    public let zone: String
    public let technicianStatus: InspectionStatus
    public let valueStatus: InspectionStatus?
    public let status: InspectionStatus
    public let values: [String: Double]
    public let colours: [String: String]
    public let advice: String?
    public let note: String?
    public var hasPhoto: Bool
    /// The customer's decision on this defect's advice, and the parts and labour it comes to (whole yuan).
    public var decision: RepairDecision? = nil
    public var partsYuan: Int? = nil
    public var labourYuan: Int? = nil
}

/// What the customer decided about a defect's advice (维修决定).
public enum RepairDecision: String, Codable, Sendable, CaseIterable {
    case done, booked, declined
    public var label: String { switch self { case .done: "当场维修"; case .booked: "预约维修"; case .declined: "暂不维修" } }
}

/// A submission that passed every rule, ready to store.
public struct CheckedInspection: Sendable {
    public let clientId: String
    public let inviteeId: Int64?
    public let plate: String?
    public let vin: String?
    /// The car model (车型), as typed on the tablet; the invitee's model when left empty.
    public let model: String?
    public let mileageKm: Int?
    public let customerName: String?
    public let customerPhone: String?
    public let technician: String
    public let items: [EvaluatedItem]
    public let signature: Data?
    public let photos: [String: Data]
    public var consentHqCall = false
    public var gift = false
    public var sticker = false

    public var urgentItems: [EvaluatedItem] { items.filter { $0.status == .urgent } }
}

/// One reason a submission is refused; `item` names the item when there is one.
public struct InspectionProblem: Codable, Sendable, Equatable, CustomStringConvertible {
    public let item: String?
    public let message: String
    public var description: String { message }
}

/// The inspection rules, free of I/O: colours from thresholds, and every reason to refuse a submission.
public enum InspectionRules {
    /// The colour one measured value gives, or nil when the value has no thresholds (or its reference is missing).
    public static func colour(of spec: InspectionTemplate.Value, _ x: Double, in values: [String: Double]) -> InspectionStatus? {
        guard let green = spec.green.flatMap(Condition.init), let red = spec.red.flatMap(Condition.init) else { return nil }
        var measure = x
        if let ref = spec.compareTo {
            guard let base = values[ref] else { return nil }
            measure = spec.compare == .distance ? abs(x - base) : x - base
        }
        // 2.7 − 2.5 is 0.2000000000000002 in binary; compare at a millionth so edges behave as written.
        measure = (measure * 1_000_000).rounded() / 1_000_000
        if red.holds(measure) { return .urgent }
        if green.holds(measure) { return .ok }
        return .advise
    }

    /// Checks a whole submission against the template; returns every problem, or the evaluated inspection.
    public static func check(_ s: InspectionSubmission, template: InspectionTemplate) -> Result<CheckedInspection, Problems> {
        var problems: [InspectionProblem] = []
        func problem(_ item: String?, _ message: String) { problems.append(InspectionProblem(item: item, message: message)) }

        let clientId = s.clientId?.trimmed ?? ""
        if !(8...64).contains(clientId.count) || !clientId.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            problem(nil, "client_id 须为 8–64 位字母数字（如 UUID）/ client_id must be 8 to 64 letters, digits or dashes (a UUID)")
        }
        let technician = s.technician?.trimmed ?? ""
        if technician.isEmpty {
            problem(nil, "缺少技师姓名 / technician is missing")
        } else if technician.count > 30 {
            problem(nil, "技师姓名过长 / technician is longer than 30 characters")
        }

        // Vehicle and customer
        let plate = s.vehicle?.plate.map(Plate.normalize).flatMap { $0.isEmpty ? nil : $0 }
        let vin = s.vehicle?.vin.map { $0.uppercased().filter { !$0.isWhitespace } }.flatMap { $0.isEmpty ? nil : $0 }
        if s.inviteeId == nil && plate == nil && vin == nil {
            problem(
                nil,
                "请选择来宾，或填写车牌或车架号 / "
                    + "give invitee_id, or a vehicle plate or VIN")
        }
        if let plate, !(2...12).contains(plate.count) { problem(nil, "车牌无效：\(plate.prefix(20)) / plate must be 2 to 12 characters") }
        if let vin, vin.range(of: "^[A-HJ-NPR-Z0-9]{17}$", options: .regularExpression) == nil {
            problem(nil, "车架号须为 17 位（不含 I、O、Q）：\(vin.prefix(30)) / VIN must be 17 letters and digits without I, O, Q")
        }
        let model = s.vehicle?.model?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let model, model.count > 40 { problem(nil, "车型过长 / model is longer than 40 characters") }
        var mileage: Int?
        if let raw = s.vehicle?.mileageKm, raw != .null {
            if let m = number(raw), m >= 0, m <= 2_000_000, m == m.rounded() {
                mileage = Int(m)
            } else {
                problem(nil, "行驶里程须为 0–2000000 的整数公里 / mileage_km must be a whole number of km from 0 to 2,000,000")
            }
        }
        let customerName = s.customer?.name?.trimmedOrNil
        if let n = customerName, n.count > 30 { problem(nil, "客户姓名过长 / customer.name is longer than 30 characters") }
        var phone: String?
        if let raw = s.customer?.phone?.trimmed, !raw.isEmpty {
            phone = PhoneNumber.normalize(raw)
            if phone == nil { problem(nil, "客户手机号无效 / customer.phone is not an 11-digit mobile number") }
        }

        // Items
        let inputs = s.items ?? []
        var byID: [String: InspectionSubmission.ItemInput] = [:]
        for input in inputs {
            guard let id = input.id, let _ = template.item(id) else {
                problem(input.id, "没有这一项 / unknown item \"\(input.id?.prefix(40) ?? "(no id)")\""); continue
            }
            if byID[id] != nil { problem(id, "\(label(template.item(id)!)): 重复提交 / sent twice") }
            byID[id] = input
        }
        var evaluated: [EvaluatedItem] = []
        var photos: [String: Data] = [:]
        for item in template.items {
            let name = label(item)
            guard let input = byID[item.id] else { problem(item.id, "\(name): 未检查 / item is missing"); continue }
            guard let techStatus = input.status.flatMap(InspectionStatus.init(rawValue:)) else {
                problem(
                    item.id,
                    "\(name): 状态须为 ok / "
                        + "advise / urgent / na，收到 \"\(input.status?.prefix(20) ?? "")\" / status is missing or unknown");
                continue
            }
            if techStatus == .na {
                if item.naAllowed != true { problem(item.id, "\(name): 此项不能选“不适用” / this item cannot be n/a") }
            } else if !item.allowedChoices.contains(techStatus) {
                problem(
                    item.id,
                    "\(name): 此项只能选 \(item.allowedChoices.map(\.rawValue).joined(separator: "/")) / "
                        + "status \(techStatus.rawValue) is not offered for this item"
                )
            }
            // Values
            var values: [String: Double] = [:]
            let raw = input.values ?? [:]
            for key in raw.keys.sorted() where !item.values.contains(where: { $0.key == key }) {
                problem(item.id, "\(name): 没有测量项 \"\(key.prefix(20))\" / unknown value")
            }
            for spec in item.values {
                let v = raw[spec.key]
                if v == nil || v == .null || v == .string("") {
                    let needed =
                        !spec.isOptional
                        || spec.compareTo == nil && item.values.contains { $0.compareTo == spec.key && raw[$0.key] != nil && raw[$0.key] != .null }
                    if needed && techStatus != .na { problem(item.id, "\(name) · \(spec.label): 缺少测量值 / \(spec.key) is missing") }
                    continue
                }
                guard let x = number(v!) else { problem(item.id, "\(name) · \(spec.label): 不是数字 / \(spec.key) is not a number"); continue }
                guard x >= spec.min && x <= spec.max else {
                    problem(
                        item.id,
                        "\(name) · \(spec.label): \(format(x)) 超出可能范围 \(format(spec.min))–\(format(spec.max)) \(spec.unit) / "
                            + "\(spec.key) is outside the possible range"
                    ); continue
                }
                if spec.integer == true && x != x.rounded() {
                    problem(item.id, "\(name) · \(spec.label): 须为整数 / \(spec.key) must be a whole number"); continue
                }
                values[spec.key] = x
            }
            var colours: [String: String] = [:]
            var valueStatus: InspectionStatus?
            if techStatus != .na {
                for spec in item.values {
                    guard let x = values[spec.key], let c = colour(of: spec, x, in: values) else { continue }
                    colours[spec.key] = c.colour
                    valueStatus = max(valueStatus ?? .ok, c)
                }
            }
            let status = techStatus == .na ? .na : max(techStatus, valueStatus ?? .ok)
            let advice = input.advice?.trimmedOrNil
            if status >= .advise && advice == nil {
                problem(item.id, "\(name): \(status == .urgent ? "紧急" : "建议")项须填写专家建议 / an \(status.rawValue) item needs advice")
            }
            if let a = advice, a.count > 200 { problem(item.id, "\(name): 建议最多 200 字 / advice is longer than 200 characters") }
            let note = input.note?.trimmedOrNil
            if let n = note, n.count > 500 { problem(item.id, "\(name): 备注最多 500 字 / note is longer than 500 characters") }
            let (decision, parts, labour) = repairDecision(input, status: status, name: name, item: item.id, problem: problem)
            if let photo = input.photo, !photo.isEmpty {
                switch image(photo, allowed: ["image/jpeg", "image/png", "image/webp"], limit: 1_000_000) {
                case .success(let data): photos[item.id] = data
                case .failure(let why): problem(item.id, "\(name): 照片\(why)")
                }
            }
            evaluated.append(
                EvaluatedItem(
                    id: item.id, no: item.no, name: item.name, zone: item.zone, technicianStatus: techStatus,
                    valueStatus: valueStatus, status: status, values: values, colours: colours,
                    advice: advice, note: note, hasPhoto: photos[item.id] != nil,
                    decision: decision, partsYuan: parts, labourYuan: labour))
        }
        if inputs.isEmpty { problem(nil, "没有检查项目 / items is missing") }

        // Signature
        var signature: Data?
        if let sig = s.signaturePng, !sig.isEmpty {
            switch image(sig, allowed: ["image/png"], limit: 500_000) {
            case .success(let data): signature = data
            case .failure(let why): problem(nil, "客户签名\(why)")
            }
        }
        let urgent = evaluated.filter { $0.status == .urgent }
        if !urgent.isEmpty && signature == nil && !problems.contains(where: { $0.message.hasPrefix("客户签名") }) {
            problem(
                nil,
                "有 \(urgent.count) 项紧急缺陷（\(urgent.map { "\($0.no) \($0.name)" }.joined(separator: "、"))），须客户签名确认 / "
                    + "urgent items need the customer's signature"
            )
        }
        if s.consentHqCall == true && signature == nil && !problems.contains(where: { $0.message.hasPrefix("客户签名") }) {
            problem(nil, "客户同意厂家回访须本人签名 / the customer's consent to the manufacturer's call needs their signature")
        }
        guard problems.isEmpty else { return .failure(Problems(list: problems)) }
        return .success(
            CheckedInspection(
                clientId: clientId, inviteeId: s.inviteeId, plate: plate, vin: vin, model: model?.isEmpty == false ? model : nil,
                mileageKm: mileage,
                customerName: customerName, customerPhone: phone, technician: technician,
                items: evaluated, signature: signature, photos: photos,
                consentHqCall: s.consentHqCall ?? false, gift: s.gift ?? false, sticker: s.sticker ?? false))
    }

    /// The largest amount a decision can carry, as for the event's amounts.
    public static let maxYuan = EventConfig.maxYuan

    /// A defect's decision and amounts: only on an item with advice (advise or urgent), amounts whole yuan from 0.
    static func repairDecision(
        _ input: InspectionSubmission.ItemInput, status: InspectionStatus, name: String, item: String,
        problem: (String?, String) -> Void
    ) -> (RepairDecision?, Int?, Int?) {
        var decision: RepairDecision?
        if let raw = input.decision?.trimmedOrNil {
            decision = RepairDecision(rawValue: raw)
            if decision == nil {
                problem(item, "\(name): 维修决定须为 done / booked / declined，收到 \"\(raw.prefix(20))\" / unknown decision")
            } else if status < .advise {
                problem(item, "\(name): 正常项没有维修决定 / a decision is only for an item with advice")
            }
        }
        func amount(_ raw: JSONValue?, _ key: String, _ label: String) -> Int? {
            guard let raw, raw != .null, raw != .string("") else { return nil }
            guard let x = number(raw), x >= 0, x <= Double(maxYuan), x == x.rounded() else {
                problem(item, "\(name): \(label)须为 0–\(maxYuan) 的整数元 / \(key) must be whole yuan from 0 to \(maxYuan)")
                return nil
            }
            if decision == nil { problem(item, "\(name): 填了\(label)，请选维修决定 / \(key) needs a decision") }
            return Int(x)
        }
        return (decision, amount(input.partsYuan, "parts_yuan", "配件金额"), amount(input.labourYuan, "labour_yuan", "工时金额"))
    }

    public struct Problems: Error, Sendable { public let list: [InspectionProblem] }

    // MARK: - Helpers

    static func label(_ item: InspectionTemplate.Item) -> String { "第\(item.no)项 \(item.name)" }

    /// A JSON number, or a string holding one ("3.2", "3,2"); anything else is not a number.
    static func number(_ v: JSONValue) -> Double? {
        switch v {
        case .int(let i): return Double(i)
        case .double(let d): return d.isFinite ? d : nil
        case .string(let s): return Double(s.trimmed.replacingOccurrences(of: ",", with: ".")).flatMap { $0.isFinite ? $0 : nil }
        default: return nil
        }
    }

    /// A value as a person reads it: whole numbers without ".0". Any double is safe here, however large (a value of
    /// 1e19 is shown in a refusal, and once stopped the server by converting it to `Int`).
    static func format(_ x: Double) -> String {
        guard x.isFinite else { return String(x) }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return abs(x) >= 1e15 ? String(format: "%.6g", x) : String(x)
    }

    /// Decodes a `data:` URL, checking its type against the bytes and its size.
    static func image(_ url: String, allowed: [String], limit: Int) -> Result<Data, ImageProblem> {
        guard url.hasPrefix("data:"), let comma = url.firstIndex(of: ","), url[..<comma].hasSuffix(";base64") else {
            return .failure(ImageProblem(text: "须为 data: 网址 / must be a base64 data: URL"))
        }
        let mime = String(url[url.index(url.startIndex, offsetBy: 5)..<comma].dropLast(7))
        guard allowed.contains(mime) else {
            return .failure(ImageProblem(text: "格式须为 \(allowed.joined(separator: "/")) / must be \(allowed.joined(separator: " or "))"))
        }
        guard url.count - url.distance(from: url.startIndex, to: comma) <= limit * 4 / 3 + 8,
            let data = Data(base64Encoded: String(url[url.index(after: comma)...]))
        else {
            return .failure(ImageProblem(text: "过大或无法解码 / is too large (over \(limit / 1000) kB) or not valid base64"))
        }
        let b = [UInt8](data.prefix(12))
        let ok =
            switch mime {
            case "image/png": b.starts(with: [0x89, 0x50, 0x4E, 0x47])
            case "image/jpeg": b.starts(with: [0xFF, 0xD8, 0xFF])
            default: b.count == 12 && b.starts(with: Array("RIFF".utf8)) && Array(b[8..<12]) == Array("WEBP".utf8)
            }
        return ok ? .success(data) : .failure(ImageProblem(text: "内容不是 \(mime) 图片 / is not a \(mime) image"))
    }

    public struct ImageProblem: Error, Sendable { let text: String }
}
