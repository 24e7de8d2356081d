import Foundation
import Testing

@testable import EventKiosk

@Suite struct EvidencePackTests {
    /// Reads back a stored-entry ZIP: name → bytes, checking each entry's CRC as an unzip tool would.
    func unzip(_ data: Data) throws -> [String: Data] {
        let b = [UInt8](data)
        func u16(_ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 }
        func u32(_ i: Int) -> Int { u16(i) | u16(i + 2) << 16 }
        var files: [String: Data] = [:], i = 0
        while i + 30 <= b.count, u32(i) == 0x0403_4b50 {
            let size = u32(i + 18), nameLength = u16(i + 26), extra = u16(i + 28)
            let name = String(decoding: b[(i + 30)..<(i + 30 + nameLength)], as: UTF8.self)
            let start = i + 30 + nameLength + extra
            let content = Data(b[start..<(start + size)])
            #expect(UInt32(u32(i + 14)) == PNGWriter.crc(content), "CRC of \(name)")
            files[name] = content
            i = start + size
        }
        #expect(i + 22 <= b.count && u32(b.count - 22) == 0x0605_4b50 && u16(b.count - 22 + 10) == files.count)
        return files
    }

    @Test func thePackHoldsEveryTableAsCSVWithChineseIntactAndTheVerifiedRecords() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        let guests = try await t.db.allInvitees()
        _ = try await t.db.checkIn(scanned: guests[0].code, door: "正门", nonce: "pack-checkin-1", partySize: nil, staffID: nil)
        guard case .success(let inspection) = InspectionFixture.check(InspectionFixture.body()) else { Issue.record("fixture refused"); return }
        _ = try await t.db.saveInspection(inspection, staffID: nil)
        let before = try unzip(try await EvidencePack.build(db: t.db))
        #expect(String(decoding: try #require(before["verify.txt"]), as: UTF8.self).contains("wheel.json: seed: not revealed yet"))
        let sealed = try #require(try await t.db.read { db in try AppDatabase.setting(db, AppDatabase.wheelSeedKey) })
        #expect(sealed.hasPrefix(AppDatabase.sealedPrefix))
        let seed = try await t.db.closeEvent()  // the end of the day reveals the wheel seed
        #expect(!String(decoding: try #require(before["setting.csv"]), as: UTF8.self).contains(seed))  // secret until close
        let files = try unzip(try await EvidencePack.build(db: t.db))
        for name in [
            "invitees.csv", "checkins.csv", "orders.csv", "spins.csv", "inspections.csv", "followups.csv",
            "draws.json", "wheel.json", "audit.jsonl", "report.html", "verify.txt",
        ] {
            #expect(files[name] != nil, "\(name) is missing")
        }
        #expect(files["session.csv"] == nil)  // sign-in tokens are not evidence
        let invitees = try #require(files["invitees.csv"])
        #expect(invitees.starts(with: [0xEF, 0xBB, 0xBF]))
        let text = String(decoding: invitees.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix("id,name,phone,plate"))
        #expect(text.contains(guests[0].name) && text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == guests.count + 1)
        let checkins = String(decoding: try #require(files["checkins.csv"]), as: UTF8.self)
        #expect(checkins.contains("正门") && checkins.contains("pack-checkin-1"))
        #expect(String(decoding: try #require(files["inspections.csv"]), as: UTF8.self).contains("苏A12345"))
        #expect(String(decoding: try #require(files["setting.csv"]), as: UTF8.self).contains(seed))
        let verify = String(decoding: try #require(files["verify.txt"]), as: UTF8.self)
        #expect(verify.contains("audit.jsonl: OK, 4 entries"))  // the import, the check-in, the inspection, the close
        #expect(verify.contains("wheel.json: OK"))
        let audit = String(decoding: try #require(files["audit.jsonl"]), as: UTF8.self)
        #expect(audit.split(separator: "\n").count == 4 && audit.contains("\"hash\"") && audit.contains("inspection_saved"))
        let report = String(decoding: try #require(files["report.html"]), as: UTF8.self)
        #expect(report.contains("到场 Arrivals") && report.contains("<svg") && report.contains("东风标致微山湖车主体验日"))
    }
}
