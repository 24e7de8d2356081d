import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@testable import EventKiosk

/// A manufacturer's service in memory: answers as `kiosk-hq` does, or cannot be reached (no internet at the venue).
final class FakeHQ: HQTransport, Sendable {
    struct Post: Sendable { let path: String; let body: Data; let type: String }
    private let state = Mutex<(reachable: Bool, posts: [Post], packStatus: Int)>((false, [], 201))

    var reachable: Bool {
        get { state.withLock { $0.reachable } }
        set { state.withLock { $0.reachable = newValue } }
    }
    /// What the next packs are answered with (201 taken, 422 refused, 503 down for maintenance).
    var packStatus: Int {
        get { state.withLock { $0.packStatus } }
        set { state.withLock { $0.packStatus = newValue } }
    }
    var posts: [Post] { state.withLock { $0.posts } }

    struct Unreachable: Error, CustomStringConvertible { var description: String { "connection refused" } }

    func post(_ url: URL, body: Data, contentType: String) async throws -> HQAnswer {
        let (reachable, packStatus) = state.withLock { s in
            if s.reachable { s.posts.append(Post(path: url.path, body: body, type: contentType)) }
            return (s.reachable, s.packStatus)
        }
        guard reachable else { throw Unreachable() }
        switch url.path {
        case "/hq/api/enroll":
            let sent = try JSONSerialization.jsonObject(with: body) as! [String: String]
            guard sent["enroll_code"] == "ABCD-EFGH-JKLM" else { return HQAnswer(status: 404, body: Data(#"{"error":"unknown_code"}"#.utf8)) }
            let key = Data(base64Encoded: sent["public_key"]!)!
            return HQAnswer(status: 201, body: Data(#"{"dealer_code":"XZ01","kiosk_id":"\#(KioskKey.kioskID(publicKey: key))"}"#.utf8))
        case "/hq/api/checkpoints": return HQAnswer(status: 201, body: Data("{}".utf8))
        case "/hq/api/packs":
            return HQAnswer(status: packStatus, body: Data(packStatus == 422 ? #"{"error":"pack_rejected"}"#.utf8 : #"{"pack_id":1}"#.utf8))
        default: return HQAnswer(status: 404, body: Data())
        }
    }
}

@Suite struct HQLinkHTTPTests {
    func status(_ client: any TestClientProtocol, _ admin: String) async throws -> [String: Any] {
        try await client.execute(uri: "/api/hq", method: .get, headers: auth(admin)) { r in
            #expect(r.status == .ok)
            return try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as! [String: Any]
        }
    }

    func items(_ s: [String: Any]) -> [[String: Any]] { s["items"] as? [[String: Any]] ?? [] }

    @Test func aKioskEnrolsThenQueuesWhileTheManufacturerCannotBeReachedAndSendsOnceItCan() async throws {
        let hq = FakeHQ()
        let t = try await TestApp(hqTransport: hq)
        try await t.test { client in
            let admin = try await client.login(TestApp.adminPIN)
            func post(_ uri: String, _ body: [String: String]? = nil) async throws -> (HTTPResponse.Status, String) {
                try await client.execute(uri: uri, method: .post, headers: auth(admin), body: body.map(jsonBody)) {
                    ($0.status, String(buffer: $0.body))
                }
            }
            // Not enrolled: 立即上报 says so.
            let early = try await post("/api/hq/send")
            #expect(early.0 == .conflict && early.1.contains("not_enrolled"))
            // Enrolling with no network, a wrong address, or a wrong code: each named.
            let offline = try await post("/api/hq/enroll", ["hq_url": "https://hq.example.com/hq", "code": "ABCD-EFGH-JKLM"])
            #expect(offline.0 == .serviceUnavailable && offline.1.contains("hq_unreachable"), "\(offline)")
            let badURL = try await post("/api/hq/enroll", ["hq_url": "hq.example.com", "code": "ABCD-EFGH-JKLM"])
            #expect(badURL.0 == .badRequest && badURL.1.contains("bad_hq_url"))
            hq.reachable = true
            let wrong = try await post("/api/hq/enroll", ["hq_url": "https://hq.example.com/hq/", "code": "ZZZZ-ZZZZ-ZZZZ"])
            #expect(wrong.0 == .notFound && wrong.1.contains("unknown_code"))
            // The code the manufacturer gave: enrolled, the dealer code on the identity and every checkpoint sent.
            _ = try await t.db.checkpoint()
            let enrolled = try await post("/api/hq/enroll", ["hq_url": "https://hq.example.com/hq/", "code": "abcd-efgh-jklm"])
            #expect(enrolled.0 == .created, "\(enrolled)")
            let identity = try await client.execute(uri: "/api/kiosk/identity", method: .get) { r in
                try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as! [String: Any]
            }
            #expect(identity["dealer_code"] as? String == "XZ01")
            #expect(hq.posts.map(\.path) == ["/hq/api/enroll", "/hq/api/enroll", "/hq/api/checkpoints"])

            // The venue's internet drops: 立即上报 queues a checkpoint and a pack, and nothing is lost.
            hq.reachable = false
            var staff = 0
            func theLogMoves() async throws {
                staff += 1
                _ = try await client.staffToken(admin: admin, role: .technician, pin: "86420\(staff)", name: "技师\(staff)")
            }
            _ = try await post("/api/hq/send")
            _ = try await post("/api/hq/send")
            var s = try await status(client, admin)
            #expect(s["waiting"] as? Int == 2, "nothing changed between: one checkpoint of the head and one pack: \(s)")
            try await theLogMoves()
            _ = try await post("/api/hq/send")
            s = try await status(client, admin)
            #expect(s["waiting"] as? Int == 3, "the log moved: another checkpoint, and the newer pack replaces the older: \(s)")
            #expect(items(s).filter { $0["kind"] as? String == "pack" }.map { $0["state"] as? String } == ["waiting", "superseded"])
            #expect((s["last_contact"] as? [String: Any])?["reached"] as? Bool == false)

            // Back online: the timer's turn sends everything in order; the pack carries the dealer code.
            hq.reachable = true
            await HQLink(db: t.db, transport: hq).tick()
            s = try await status(client, admin)
            #expect(s["waiting"] as? Int == 0)
            let sentPaths = hq.posts.dropFirst(3).map(\.path)
            #expect(sentPaths.last == "/hq/api/packs" && sentPaths.filter { $0 == "/hq/api/packs" }.count == 1, "\(sentPaths)")
            let pack = try #require(hq.posts.last { $0.path == "/hq/api/packs" })
            #expect(pack.type == "application/zip")
            let files = try EvidencePackTests().unzip(pack.body)
            let manifest = try JSONSerialization.jsonObject(with: try #require(files["manifest.json"])) as! [String: Any]
            #expect(manifest["dealer_code"] as? String == "XZ01")

            // A refusal is kept with the answer and not sent again; the service down (503) keeps it waiting.
            hq.packStatus = 422
            try await theLogMoves()
            _ = try await post("/api/hq/send")
            s = try await status(client, admin)
            let refused = try #require(items(s).first { $0["kind"] as? String == "pack" })
            #expect(refused["state"] as? String == "refused" && refused["last_status"] as? Int == 422)
            #expect((refused["last_answer"] as? String)?.contains("pack_rejected") == true)
            hq.packStatus = 503
            _ = try await post("/api/hq/send")
            s = try await status(client, admin)
            #expect(items(s).first { $0["kind"] as? String == "pack" }?["state"] as? String == "waiting")
        }
    }

    @Test func closingTheDayQueuesItsCheckpointAndPackForTheManufacturer() async throws {
        let hq = FakeHQ()
        hq.reachable = true
        let t = try await TestApp(hqTransport: hq)
        let link = HQLink(db: t.db, transport: hq)
        _ = try await link.enroll(hqURL: "https://hq.example.com/hq", code: "ABCD-EFGH-JKLM")
        hq.reachable = false
        try await t.test { client in
            let admin = try await client.login(TestApp.adminPIN)
            try await client.execute(uri: "/api/event/close", method: .post, headers: auth(admin)) { #expect($0.status == .ok) }
            // Sent after the close from a task of its own: wait for the pack to be queued.
            var waiting: [HQOutboxItem] = []
            for _ in 0..<100 {
                waiting = try await t.db.hqWaiting()
                if waiting.contains(where: { $0.kind == .pack }) { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(waiting.map(\.kind).contains(.pack) && waiting.map(\.kind).contains(.checkpoint))
            let head = try await t.db.auditHead().seq
            #expect(waiting.filter { $0.kind == .checkpoint }.map(\.n).max() == head, "the close's checkpoint of the whole day")
            // After the close, 立即上报 is still allowed (the closed day still goes to the manufacturer).
            hq.reachable = true
            try await client.execute(uri: "/api/hq/send", method: .post, headers: auth(admin)) { #expect($0.status == .ok) }
            #expect(try await t.db.hqWaitingCount() == 0)
        }
    }
}
