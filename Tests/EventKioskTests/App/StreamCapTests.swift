import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EventKiosk

/// One phone cannot take the service down: live streams are capped per client and in all.
@Suite struct StreamCapTests {
    @Test func theNinthStreamFromOneClientIsRefusedAndSlotsComeBack() async throws {
        let t = try await TestApp()
        try await t.test { client in
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<8 { group.addTask { try await client.execute(uri: "/api/stream", method: .get) { $0.status } } }
                for _ in 0..<200 where await t.feed.subscriberCount < 8 { try await Task.sleep(for: .milliseconds(10)) }
                #expect(await t.feed.subscriberCount == 8)
                try await client.execute(uri: "/api/stream", method: .get) { r in
                    #expect(r.status == .tooManyRequests && errorCode(r) == "too_many_streams")
                }
                // The door is not slowed by the streams a phone holds.
                try await client.execute(uri: "/api/checkins/status", method: .get) { #expect($0.status == .ok) }
                await t.feed.finishAll()
                for try await status in group { #expect(status == .ok) }
            }
        }
    }

    @Test func slotsArePerClientAndInTotal() async {
        let slots = StreamSlots(perClient: 2, total: 3)
        var got: [Bool] = []
        for client in ["a", "a", "a", "b", "c"] { got.append(await slots.acquire(client)) }
        #expect(got == [true, true, false, true, false], "two for a, one for b, then the total of 3 is reached")
        await slots.release("a")
        let again = await slots.acquire("c")
        let open = await slots.openStreams
        #expect(again && open == 3)
    }
}
