import Foundation

@testable import EventKiosk

/// A whole, valid inspection of the default 21-item template, all green, that tests then spoil one way at a time.
enum InspectionFixture {
    static let template: InspectionTemplate = try! InspectionTemplate.load(file: TestApp.repoRoot.appendingPathComponent("Assets/inspection-21.json"))

    /// A 1×1 PNG, as the signature canvas would send it (only the signature header matters to the rules).
    static let signature = "data:image/png;base64," + Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D]).base64EncodedString()
    static let photo = "data:image/jpeg;base64," + Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0x4A, 0x46, 0x49, 0x46, 0, 1]).base64EncodedString()

    static let greenValues: [String: [String: JSONValue]] = [
        "fault_codes": ["codes": .int(0)],
        "brake_fluid": ["water": .double(0.5)],
        "coolant": ["freeze": .int(-40)],
        "battery": ["voltage": .double(12.7)],
        "tread_depth": ["fl": .double(6), "fr": .double(6), "rl": .double(5.5), "rr": .double(5.5)],
        "tyre_pressure": ["spec": .double(2.5), "fl": .double(2.5), "fr": .double(2.4), "rl": .double(2.6), "rr": .double(2.5)],
        "brake_pads": ["front": .double(9), "rear": .double(8)],
        "brake_discs": ["front_min": .int(22), "front": .int(25)],
    ]

    /// Every item as an `ItemInput` JSON object, status ok.
    static func items() -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for item in template.items {
            var o: [String: JSONValue] = ["id": .string(item.id), "status": .string("ok")]
            if let v = greenValues[item.id] { o["values"] = .object(v) }
            out[item.id] = .object(o)
        }
        return out
    }

    /// A submission body; `change` edits the items by id before it is put together.
    static func body(
        clientID: String = UUID().uuidString, plate: String? = "苏A12345", inviteeID: Int64? = nil,
        signature: String? = nil, change: (inout [String: JSONValue]) -> Void = { _ in }
    ) -> JSONValue {
        var items = items()
        change(&items)
        var o: [String: JSONValue] = [
            "client_id": .string(clientID), "technician": .string("王师傅"),
            "items": .array(template.items.compactMap { items[$0.id] } + items.filter { k, _ in template.item(k) == nil }.map(\.value)),
            "customer": .object(["name": .string("张三"), "phone": .string("13800138000")]),
        ]
        if let plate { o["vehicle"] = .object(["plate": .string(plate), "vin": .null, "mileage_km": .int(36_500)]) }
        if let inviteeID { o["invitee_id"] = .int(Int(inviteeID)) }
        if let signature { o["signature_png"] = .string(signature) }
        return .object(o)
    }

    static func submission(_ body: JSONValue) -> InspectionSubmission {
        try! JSON.decoder.decode(InspectionSubmission.self, from: try! JSONEncoder().encode(body))
    }

    static func check(_ body: JSONValue) -> Result<CheckedInspection, InspectionRules.Problems> {
        InspectionRules.check(submission(body), template: template)
    }

    /// Sets one field of one item.
    static func set(_ items: inout [String: JSONValue], _ id: String, _ key: String, _ value: JSONValue) {
        guard case .object(var o)? = items[id] else { return }
        o[key] = value
        items[id] = .object(o)
    }

    static func setValue(_ items: inout [String: JSONValue], _ id: String, _ key: String, _ value: JSONValue) {
        guard case .object(var o)? = items[id] else { return }
        var values: [String: JSONValue] = [:]
        if case .object(let v)? = o["values"] { values = v }
        values[key] = value
        o["values"] = .object(values)
        items[id] = .object(o)
    }
}
