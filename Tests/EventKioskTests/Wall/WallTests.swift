import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EventKiosk

/// The welcome wall's public answer (issue 28): who is in, masked, newest first; an undone check-in leaves it.
@Suite struct WallTests {
    @Test func theWallHoldsOnlyMaskedNamesNewestFirstAndAnUndoneCheckInLeavesIt() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        let guests = Array(try await t.db.allInvitees().prefix(3))
        var ids: [Int64] = []
        for (n, g) in guests.enumerated() {
            let outcome = try await t.db.checkIn(scanned: g.code, door: "正门", nonce: "wall-\(n)", partySize: nil, staffID: nil)
            guard case .ok(let c, _) = outcome else {
                Issue.record("check-in \(n) failed"); return
            }
            ids.append(c.id)
        }
        _ = try await t.db.undoCheckIn(id: ids[1], staffID: nil, maxAge: nil)
        let checkins = ids
        try await t.test { client in
            let body = try await client.execute(uri: "/api/wall", method: .get) { r in
                #expect(r.status == .ok)
                return String(buffer: r.body)
            }
            let wall = try JSON.decoder.decode(WallView.self, from: Data(body.utf8))
            #expect(wall.arrived.map(\.id) == [checkins[2], checkins[0]], "newest first, the undone one gone")
            #expect(wall.arrived.map(\.name) == [NameMask.mask(guests[2].name), NameMask.mask(guests[0].name)])
            #expect(wall.parties == 2 && wall.people == guests[0].partySize + guests[2].partySize)
            #expect(wall.expectedParties == 40 && wall.expectedPeople > 40)
            for g in guests { #expect(!body.contains(g.name) && !body.contains(g.phone), "no full name or phone on a public answer") }
            #expect(body.contains("\"table\":null"))
        }
    }
}
