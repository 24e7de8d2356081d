import Foundation
import Testing

@testable import EventKiosk

@Suite("Inspection rules")
struct InspectionRulesTests {
    typealias F = InspectionFixture

    func problems(_ body: JSONValue) -> [InspectionProblem] {
        if case .failure(let p) = F.check(body) { return p.list }
        return []
    }

    func checked(_ body: JSONValue) throws -> CheckedInspection {
        switch F.check(body) {
        case .success(let c): return c
        case .failure(let p): Issue.record("refused: \(p.list)"); throw p
        }
    }

    @Test func theDefaultTemplateHas21ItemsInFiveZones() {
        #expect(F.template.items.count == 21)
        #expect(F.template.items.map(\.no) == Array(1...21))
        #expect(Set(F.template.items.map(\.zone)) == ["front", "engine", "wheels", "underbody", "cabin"])
        #expect(F.template.validate().isEmpty)
    }

    @Test func aCompleteAllGreenCheckPassesWithoutASignature() throws {
        let c = try checked(F.body())
        #expect(c.items.count == 21)
        #expect(c.items.allSatisfy { $0.status == .ok })
        #expect(c.items.first { $0.id == "tread_depth" }?.colours == ["fl": "green", "fr": "green", "rl": "green", "rr": "green"])
        #expect(c.mileageKm == 36_500)
        #expect(c.customerPhone == "13800138000")
    }

    // MARK: - Colours at the edges

    static let edges: [(item: String, key: String, values: [String: Double], expected: InspectionStatus)] = [
        ("tread_depth", "fl", ["fl": 3.51], .ok), ("tread_depth", "fl", ["fl": 3.5], .advise),
        ("tread_depth", "fl", ["fl": 1.61], .advise), ("tread_depth", "fl", ["fl": 1.6], .urgent),
        ("brake_fluid", "water", ["water": 0.99], .ok), ("brake_fluid", "water", ["water": 1], .advise),
        ("brake_fluid", "water", ["water": 2.99], .advise), ("brake_fluid", "water", ["water": 3], .urgent),
        ("coolant", "freeze", ["freeze": -35], .ok), ("coolant", "freeze", ["freeze": -34.9], .advise),
        ("coolant", "freeze", ["freeze": -25], .advise), ("coolant", "freeze", ["freeze": -24.9], .urgent),
        ("battery", "voltage", ["voltage": 12.6], .ok), ("battery", "voltage", ["voltage": 12.59], .advise),
        ("battery", "voltage", ["voltage": 12.21], .advise), ("battery", "voltage", ["voltage": 12.2], .urgent),
        ("brake_pads", "front", ["front": 5.01], .ok), ("brake_pads", "front", ["front": 5], .advise),
        ("brake_pads", "front", ["front": 3.01], .advise), ("brake_pads", "front", ["front": 3], .urgent),
        ("tyre_pressure", "fl", ["spec": 2.5, "fl": 2.7], .ok), ("tyre_pressure", "fl", ["spec": 2.5, "fl": 2.3], .ok),
        ("tyre_pressure", "fl", ["spec": 2.5, "fl": 2.71], .advise), ("tyre_pressure", "fl", ["spec": 2.5, "fl": 2.0], .advise),
        ("tyre_pressure", "fl", ["spec": 2.5, "fl": 3.01], .urgent), ("tyre_pressure", "fl", ["spec": 2.5, "fl": 1.9], .urgent),
        ("brake_discs", "front", ["front_min": 22, "front": 23], .ok), ("brake_discs", "front", ["front_min": 22, "front": 22.9], .advise),
        ("brake_discs", "front", ["front_min": 22, "front": 22], .advise), ("brake_discs", "front", ["front_min": 22, "front": 21.9], .urgent),
        ("fault_codes", "codes", ["codes": 0], .ok), ("fault_codes", "codes", ["codes": 1], .urgent),
    ]

    @Test("Each threshold gives the documented colour on both sides of its edge", arguments: 0..<edges.count)
    func colourAtTheEdge(_ i: Int) {
        let e = Self.edges[i]
        let spec = F.template.item(e.item)!.values.first { $0.key == e.key }!
        #expect(InspectionRules.colour(of: spec, e.values[e.key]!, in: e.values) == e.expected, "\(e.item).\(e.key) \(e.values)")
    }

    @Test func valuesWithoutThresholdsGiveNoColour() {
        let cca = F.template.item("battery")!.values.first { $0.key == "cca" }!
        #expect(InspectionRules.colour(of: cca, 40, in: ["cca": 40]) == nil)
    }

    @Test func theFinalStatusIsTheWorseOfTheValuesAndTheTechnician() throws {
        let c = try checked(
            F.body(signature: F.signature) { items in
                F.setValue(&items, "tread_depth", "rr", .double(2.0))  // values say yellow, technician says ok
                F.set(&items, "tread_depth", "advice", .string("更换轮胎"))
                F.set(&items, "battery", "status", .string("urgent"))  // values say green, technician says urgent
                F.set(&items, "battery", "advice", .string("立即更换"))
            })
        let tread = c.items.first { $0.id == "tread_depth" }!
        #expect(tread.technicianStatus == .ok && tread.valueStatus == .advise && tread.status == .advise)
        #expect(tread.colours["rr"] == "yellow")
        let battery = c.items.first { $0.id == "battery" }!
        #expect(battery.valueStatus == .ok && battery.status == .urgent)
        #expect(c.urgentItems.map(\.id) == ["battery"])
    }

    // MARK: - Refusals

    @Test func aMissingItemIsNamed() {
        let p = problems(
            F.body { items in
                items["horn"] = nil; items["coolant"] = nil
            })
        #expect(p.map(\.item) == ["horn", "coolant"])
        #expect(p[0].message.contains("第3项 喇叭") && p[0].message.contains("missing"))
    }

    @Test func noItemsAtAllIsRefused() {
        let p = problems(F.body { items in items = [:] })
        #expect(p.count == 22)
        #expect(p.contains { $0.message.contains("items is missing") })
    }

    @Test(arguments: [JSONValue.null, .string(""), .string("abc"), .bool(true), .double(25), .double(-0.1), .string("1e9")])
    func aMeasuredValueMustBeThereBeANumberAndBePossible(_ value: JSONValue) {
        let p = problems(F.body { items in F.setValue(&items, "tread_depth", "fl", value) })
        #expect(p.count == 1, "\(value): \(p)")
        #expect(p.first?.item == "tread_depth")
        #expect(p.first.map { $0.message.contains("左前") } == true)
    }

    @Test func numbersTypedAsTextAreAccepted() throws {
        let c = try checked(F.body { items in F.setValue(&items, "battery", "voltage", .string(" 12,7 ")) })
        #expect(c.items.first { $0.id == "battery" }?.values["voltage"] == 12.7)
    }

    @Test func aWholeNumberFieldRefusesFractions() {
        let p = problems(F.body { items in F.setValue(&items, "fault_codes", "codes", .double(1.5)) })
        #expect(p.count == 1 && p[0].message.contains("whole number"))
    }

    @Test func anOptionalValueMayBeLeftOutButItsReferenceMayNot() throws {
        _ = try checked(F.body { items in F.setValue(&items, "tread_depth", "spare", .null) })
        let p = problems(F.body { items in F.setValue(&items, "brake_discs", "rear", .int(12)) })
        #expect(p.count == 1 && p[0].message.contains("rear_min is missing"))
    }

    @Test func anAdviseOrUrgentItemNeedsAdviceEvenWhenOnlyTheValuesMakeItSo() {
        let p = problems(
            F.body(signature: F.signature) { items in
                F.set(&items, "wipers", "status", .string("advise"))
                F.setValue(&items, "brake_pads", "front", .double(2.5))  // red by value, technician left it ok
            })
        #expect(p.map(\.item) == ["wipers", "brake_pads"])
        #expect(p.allSatisfy { $0.message.contains("needs advice") })
    }

    @Test func anUrgentItemNeedsTheCustomersSignature() throws {
        let urgent: (inout [String: JSONValue]) -> Void = { items in
            F.set(&items, "horn", "status", .string("urgent")); F.set(&items, "horn", "advice", .string("更换喇叭"))
        }
        let p = problems(F.body(change: urgent))
        #expect(p.count == 1 && p[0].item == nil && p[0].message.contains("3 喇叭") && p[0].message.contains("signature"))
        #expect(try checked(F.body(signature: F.signature, change: urgent)).signature != nil)
        let fake = problems(F.body(signature: "data:image/png;base64," + Data("GIF89a hello".utf8).base64EncodedString(), change: urgent))
        #expect(fake.count == 1 && fake[0].message.contains("not a image/png"))
    }

    @Test func notApplicableOnlyWhereTheTemplateAllowsIt() throws {
        let c = try checked(
            F.body { items in
                items["gearbox_oil"] = .object(["id": .string("gearbox_oil"), "status": .string("na")])
            })
        #expect(c.items.first { $0.id == "gearbox_oil" }?.status == .na)
        let p = problems(
            F.body { items in
                F.set(&items, "horn", "status", .string("na"))
                items["coolant"] = .object(["id": .string("coolant"), "status": .string("na")])
            })
        #expect(p.map(\.item) == ["horn", "coolant"])
    }

    @Test func statusesOutsideTheItemsChoicesAreRefused() {
        let p = problems(
            F.body { items in
                F.set(&items, "headlamps", "status", .string("advise")); F.set(&items, "headlamps", "advice", .string("更换灯泡"))
                F.set(&items, "horn", "status", .string("broken"))
            })
        #expect(p.map(\.item) == ["headlamps", "horn"])
    }

    @Test func unknownDuplicateAndStrayInputsAreNamed() {
        let p = problems(
            F.body { items in
                items["zz_extra"] = .object(["id": .string("zz_extra"), "status": .string("ok")])
                F.setValue(&items, "battery", "amps", .int(3))
            })
        #expect(p.map(\.item) == ["zz_extra", "battery"])
    }

    @Test func everyProblemIsListedAtOnce() {
        let p = problems(.object(["client_id": .string("x"), "items": .array([])]))
        #expect(p.contains { $0.message.contains("client_id") })
        #expect(p.contains { $0.message.contains("plate or VIN") })
        #expect(p.contains { $0.message.contains("technician") })
        #expect(p.filter { $0.message.contains("item is missing") }.count == 21)
    }

    @Test func vehicleAndCustomerFieldsAreChecked() {
        var body = F.body()
        if case .object(var o) = body {
            o["vehicle"] = .object(["vin": .string("LSVAB1234O0000001"), "mileage_km": .int(-5)])
            o["customer"] = .object(["phone": .string("12345")])
            body = .object(o)
        }
        let p = problems(body)
        #expect(p.count == 3)
        #expect(
            p.contains { $0.message.contains("VIN") } && p.contains { $0.message.contains("mileage_km") }
                && p.contains { $0.message.contains("customer.phone") })
    }

    @Test func photosMustBeRealImagesOfAReasonableSize() throws {
        let c = try checked(F.body { items in F.set(&items, "underbody", "photo", .string(F.photo)) })
        #expect(c.photos["underbody"] != nil && c.items.first { $0.id == "underbody" }?.hasPhoto == true)
        let big = "data:image/jpeg;base64," + Data([0xFF, 0xD8, 0xFF] + [UInt8](repeating: 7, count: 1_200_000)).base64EncodedString()
        #expect(problems(F.body { items in F.set(&items, "underbody", "photo", .string(big)) }).first?.message.contains("too large") == true)
        #expect(problems(F.body { items in F.set(&items, "underbody", "photo", .string("http://x/y.jpg")) }).count == 1)
    }

    // MARK: - Template and follow-up rules

    @Test func aBrokenTemplateNamesEachField() {
        var t = F.template
        t.items[0].zone = "roof"
        t.items[1].id = t.items[0].id
        t.items[15].values[0].red = "about 1.6"
        t.items[16].values[1].compareTo = "nothing"
        let fields = t.validate().map(\.field)
        #expect(
            fields.contains("items[0].zone") && fields.contains("items[1].id") && fields.contains("items[15].values[0].red")
                && fields.contains("items[16].values[1].compare_to"))
    }

    @Test func followUpsCallThreeTimesThenSendAnSMS() {
        #expect(FollowUpRule.nextStep(outcome: nil, attempts: 0, smsSent: false) == "call")
        #expect(FollowUpRule.nextStep(outcome: .noAnswer, attempts: 2, smsSent: false) == "call")
        #expect(FollowUpRule.nextStep(outcome: .noAnswer, attempts: 3, smsSent: false) == "sms")
        #expect(FollowUpRule.nextStep(outcome: .noAnswer, attempts: 3, smsSent: true) == "done")
        #expect(FollowUpRule.nextStep(outcome: .reached, attempts: 1, smsSent: false) == "done")
        #expect(FollowUpRule.nextStep(outcome: .wrongNumber, attempts: 1, smsSent: false) == "done")
    }
}
