import Foundation
import HTTPTypes
import Testing

@testable import EventKiosk

/// Storage speaks the domain, HTTP speaks HTTP (issue 18): the store refuses with a `DomainError`, and the HTTP
/// edge alone turns its kind into a status.
@Suite struct DomainErrorTests {
    @Test func theStoreRefusesInDomainTermsWithTheContractsCode() async throws {
        let db = try AppDatabase.inMemory()
        _ = try await TestApp(db: db, loadDemoInvitees: true)  // the demo event and guests
        _ = try await db.closeEvent()
        do {
            _ = try await db.grantSpin(inviteeID: 1, reason: "夺宝令牌", staffID: nil)
            Issue.record("a grant after close must be refused")
        } catch let error as DomainError {
            #expect(error.kind == .conflict && error.code == "event_closed" && error.message.contains(" / "))
        }
        await #expect(throws: DomainError.notFound("没有这条签到记录 / No check-in with id 99")) {
            _ = try await db.undoCheckIn(id: 99, staffID: nil, maxAge: nil)
        }
    }

    @Test func eachKindHasOneStatusAtTheEdge() {
        let expected: [(DomainError.Kind, Int)] = [
            (.invalid, 422), (.badInput, 400), (.notFound, 404), (.conflict, 409), (.forbidden, 403), (.unavailable, 503),
            (.broken, 500), (.storageFull, 507), (.tooMany, 429),
        ]
        for (kind, code) in expected {
            let answer = APIError(DomainError(kind, "x", "中 / en", extra: ["problems": .array([])]))
            #expect(answer.status.code == code && answer.code == "x" && answer.extra["problems"] == .array([]))
        }
    }
}
