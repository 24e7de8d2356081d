import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EventKiosk

@Suite struct SurveyHTTPTests {
    struct Complaint: Decodable { let id: Int64; let name: String?; let phone: String?; let ratings: [String: Int]; let handledBy: String? }

    func answer(_ client: some TestClientProtocol, _ json: String) async throws -> HTTPResponse.Status {
        try await client.execute(uri: "/api/survey/answers", method: .post, body: ByteBuffer(string: json)) { $0.status }
    }

    @Test func theDemoSurveyHasFiveQuestions() async throws {
        let t = try await TestApp()
        try await t.test { client in
            try await client.execute(uri: "/api/survey", method: .get) { r in
                let obj = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as! [String: [[String: Any]]]
                #expect(obj["questions"]?.count == 5)
                #expect(obj["questions"]?.first?["text"] as? String == "接待是否热情周到？")
            }
        }
    }

    @Test func aSecondAnswerWithTheSameCodeReplacesTheFirstAndLowRatingsAreComplaints() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        let guest = try await t.db.invitee(id: 1)
        try await t.test { client in
            do {
                let s = try await answer(client, #"{"code":"\#(guest.code)","ratings":{"overall":2,"reception":4},"comment":"等太久"}"#);
                #expect(s == .created)
            }
            do { let s = try await answer(client, #"{"code":"\#(guest.code)","ratings":{"overall":1}}"#); #expect(s == .created) }
            do {
                let s = try await answer(client, #"{"ratings":{"overall":5},"callback_phone":"139 0000 5555","comment":"想了解置换"}"#);
                #expect(s == .created)
            }
            do { let s = try await answer(client, #"{"ratings":{"overall":5}}"#); #expect(s == .created) }
            // A call-back request without a comment is kept but is not a complaint (issue 9's rule).
            do { let s = try await answer(client, #"{"ratings":{"overall":4},"callback_phone":"13900006666"}"#); #expect(s == .created) }
            let all = try await t.db.surveyAnswers(complaintsOnly: false)
            #expect(all.count == 4)
            let admin = try await client.login("1234")
            let list = try await client.execute(uri: "/api/survey/complaints", method: .get, headers: auth(admin)) { r in
                try decodeJSON([Complaint].self, r)
            }
            #expect(list.count == 2)
            let mine = try #require(list.first { $0.name == guest.name })
            #expect(mine.phone == guest.phone && mine.ratings == ["overall": 1])
            try await client.execute(
                uri: "/api/survey/complaints/\(mine.id)/handle", method: .post, headers: auth(admin),
                body: ByteBuffer(string: #"{"note":"已致电道歉，约下周到店"}"#)
            ) { r in #expect(r.status == .ok) }
            let after = try await client.execute(uri: "/api/survey/complaints", method: .get, headers: auth(admin)) { r in
                try decodeJSON([Complaint].self, r)
            }
            #expect(after.first { $0.id == mine.id }?.handledBy == "管理员")
            try await client.execute(uri: "/api/survey/complaints", method: .get) { r in #expect(r.status == .unauthorized) }
        }
    }

    @Test func badAnswersAre422AndEveryFieldIsLimited() async throws {
        let t = try await TestApp()
        try await t.test { client in
            do { let s = try await answer(client, #"{"ratings":{"overall":6}}"#); #expect(s == .unprocessableContent) }
            do { let s = try await answer(client, #"{"ratings":{"overall":0}}"#); #expect(s == .unprocessableContent) }
            do { let s = try await answer(client, #"{"ratings":{"nope":3}}"#); #expect(s == .unprocessableContent) }
            do { let s = try await answer(client, #"{"ratings":{}}"#); #expect(s == .unprocessableContent) }
            do {
                let s = try await answer(client, #"{"ratings":{"overall":3},"comment":"\#(String(repeating: "长", count: 501))"}"#);
                #expect(s == .unprocessableContent)
            }
            do { let s = try await answer(client, #"{"ratings":{"overall":3},"callback_phone":"12"}"#); #expect(s == .unprocessableContent) }
            do { let s = try await answer(client, #"{"ratings":{"overall":3},"code":"ZZZZZZZZZZZZZZZZZZZZ"}"#); #expect(s == .unprocessableContent) }
            let stored = try await t.db.surveyAnswers(complaintsOnly: false)
            #expect(stored.isEmpty)
        }
    }

    @Test func oneDeviceIsRateLimited() async throws {
        let t = try await TestApp()
        try await t.test { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<8 { statuses.append(try await answer(client, #"{"ratings":{"overall":4}}"#)) }
            #expect(statuses.prefix(6).allSatisfy { $0 == .created })
            #expect(statuses.suffix(2).allSatisfy { $0 == .tooManyRequests })
        }
    }

    @Test func resultsGiveAveragesAndDistributions() async throws {
        let t = try await TestApp()
        try await t.test { client in
            _ = try await answer(client, #"{"ratings":{"overall":5,"reception":3}}"#)
            _ = try await answer(client, #"{"ratings":{"overall":4},"comment":"很好"}"#)
            let admin = try await client.login("1234")
            try await client.execute(uri: "/api/survey/results", method: .get, headers: auth(admin)) { r in
                let obj = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as! [String: Any]
                let qs = obj["questions"] as! [[String: Any]]
                let overall = qs.first { $0["id"] as? String == "overall" }!
                #expect(overall["average"] as? Double == 4.5)
                #expect(overall["distribution"] as? [Int] == [0, 0, 0, 1, 1])
                #expect(obj["comments"] as? [String] == ["很好"])
            }
            try await client.execute(uri: "/api/survey/export.csv", method: .get, headers: auth(admin)) { r in
                #expect(Array(Data(buffer: r.body).prefix(3)) == [0xEF, 0xBB, 0xBF])
            }
        }
    }
}
