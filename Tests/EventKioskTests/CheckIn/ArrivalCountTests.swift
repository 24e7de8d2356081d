import Foundation
import GRDB
import Testing

@testable import EventKiosk

@Suite struct ArrivalCountTests {
    /// The trigger-kept counters must equal a count from scratch after every kind of change.
    @Test func theCountersAgreeWithAFullCountThroughADay() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        let db = t.db
        func agree(_ step: String) async throws {
            let (kept, counted) = try await db.read { db in (try AppDatabase.arrivalStatus(db), try AppDatabase.countedArrivalStatus(db)) }
            #expect(kept == counted, "after \(step)")
        }
        try await agree("import")
        let guests = try await db.allInvitees()
        var ids: [Int64] = []
        for (n, g) in guests.prefix(6).enumerated() {
            let outcome = try await db.checkIn(
                scanned: g.code, door: n % 2 == 0 ? "正门" : "侧门", nonce: "count-\(n)-nonce", partySize: n + 1, staffID: nil)
            if case .ok(let c, _) = outcome { ids.append(c.id) }
        }
        #expect(ids.count == 6)
        _ = try await db.checkIn(scanned: guests[0].code, door: "侧门", nonce: "count-again-0", partySize: nil, staffID: nil)
        try await agree("check-ins")
        let draft = try InviteeImport.draft(name: "路人", phone: "13700009999", plate: nil, vin: nil, model: nil, consultant: nil, partySize: "2").get()
        _ = try await db.walkIn(WalkInRequest(draft: draft, door: "正门", nonce: "count-walkin-1"), staffID: nil)
        try await agree("a walk-in")
        _ = try await db.undoCheckIn(id: ids[1], staffID: nil, maxAge: nil)
        try await agree("an undo")
        _ = try await db.revokeInvitation(id: guests[10].id, staffID: nil)
        try await agree("a revoke")
        let status = try await db.arrivalStatus()
        #expect(status.arrived == 6 && status.walkins == 1 && status.invited == guests.count - 1)
        #expect(status.arrivedPeople == 1 + 3 + 4 + 5 + 6 + 2)
    }
}
