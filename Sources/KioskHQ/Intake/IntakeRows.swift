import Foundation
import KioskFormats

/// A pack's inspections as the manufacturer stores them: each with its week (Shanghai), the urgent and declined
/// items by name, the repairs accepted with their amounts, and its 7-day follow-up. Pure, from the verified contents.
struct IntakeInspection: Sendable, Equatable {
    var row: ExportInspection
    var week: String
    var urgentItems: String
    var declinedItems: String
    var partsYuan: Int
    var labourYuan: Int
    var repairs: Int
    var followUpDue: Date?
    var followUpDoneAt: Date?
    var items: [ExportItem]
}

enum IntakeRows {
    static func make(_ pack: PackContents) -> [IntakeInspection] {
        let items = Dictionary(grouping: pack.items, by: \.inspectionId)
        let follow = Dictionary(pack.followUps.map { ($0.inspectionId, $0) }, uniquingKeysWith: { a, _ in a })
        return pack.inspections.map { i in
            let its = (items[i.inspectionId] ?? []).sorted { $0.no < $1.no }
            let done = its.filter { $0.decision == "done" }
            return IntakeInspection(
                row: i, week: Week.of(i.at),
                urgentItems: its.filter { $0.status == "urgent" }.map(\.name).joined(separator: "、"),
                declinedItems: its.filter { $0.decision == "declined" }.map(\.name).joined(separator: "、"),
                partsYuan: done.reduce(0) { $0 + $1.partsYuan }, labourYuan: done.reduce(0) { $0 + $1.labourYuan }, repairs: done.count,
                followUpDue: follow[i.inspectionId]?.due, followUpDoneAt: follow[i.inspectionId]?.doneAt, items: its)
        }
    }
}
