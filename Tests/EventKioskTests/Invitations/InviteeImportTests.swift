import Foundation
import KioskFormats
import Testing

@testable import EventKiosk

@Suite struct InviteeImportTests {
    /// Written by Python's `str.encode('gbk')`: what Excel in China saves as "CSV (逗号分隔)".
    static let gbkCSV: [UInt8] = [
        0xD0, 0xD5, 0xC3, 0xFB, 0x2C, 0xCA, 0xD6, 0xBB, 0xFA, 0x2C, 0xB3, 0xB5, 0xC5, 0xC6, 0x2C, 0xCF, 0xFA, 0xCA, 0xDB, 0xB9,
        0xCB, 0xCE, 0xCA, 0x0D, 0x0A, 0xD5, 0xC5, 0xC8, 0xFD, 0x2C, 0x31, 0x33, 0x38, 0x20, 0x30, 0x30, 0x31, 0x33, 0x20, 0x38,
        0x30, 0x30, 0x30, 0x2C, 0xCB, 0xD5, 0x43, 0xA1, 0xA4, 0x31, 0x32, 0x33, 0x34, 0x35, 0x2C, 0xCD, 0xF5, 0xB7, 0xBC, 0x0D,
        0x0A, 0xC5, 0xB7, 0xD1, 0xF4, 0xC4, 0xC8, 0xC4, 0xC8, 0x2C, 0x2B, 0x38, 0x36, 0x20, 0x31, 0x33, 0x39, 0x2D, 0x30, 0x30,
        0x30, 0x30, 0x2D, 0x31, 0x31, 0x31, 0x31, 0x2C, 0x2C, 0xC0, 0xEE, 0xC7, 0xBF, 0x0D, 0x0A,
    ]

    @Test func aGBKFileFromExcelImportsWithTheRightChineseNames() throws {
        let result = try InviteeImport(bytes: Self.gbkCSV)
        #expect(result.encoding == .gb18030)
        #expect(result.rejected.isEmpty)
        #expect(result.rows.map(\.draft.name) == ["张三", "欧阳娜娜"])
        #expect(result.rows.map(\.draft.phone) == ["13800138000", "13900001111"])
        #expect(result.rows[0].draft.plate == "苏C12345")
        #expect(result.rows[1].draft.consultant == "李强")
    }

    @Test func rareNameCharactersInGB18030FourByteFormDecode() throws {
        // 䶮 (FE 9F) and 𠀀 (95 32 82 36, a four-byte sequence), as Python's encode('gb18030') writes them.
        let bytes: [UInt8] = Array("name,phone\n".utf8) + [0xFE, 0x9F, 0x95, 0x32, 0x82, 0x36] + Array(",13812345678\n".utf8)
        let r = try InviteeImport(bytes: bytes)
        #expect(r.encoding == .gb18030)
        #expect(r.rows.first?.draft.name == "䶮𠀀")
    }

    @Test func utf8WithAndWithoutBOMReadTheSame() throws {
        let text = "name,phone\n王芳,13812345678\n"
        let plain = try InviteeImport(bytes: Array(text.utf8))
        let bom = try InviteeImport(bytes: [0xEF, 0xBB, 0xBF] + Array(text.utf8))
        #expect(plain.encoding == .utf8)
        #expect(plain.rows.map(\.draft) == bom.rows.map(\.draft))
        #expect(bom.rows.first?.draft.name == "王芳")
    }

    @Test func headersMayComeInAnyOrderAndEitherLanguage() throws {
        let text = "销售顾问,Party_Size,PHONE,车牌号,姓名\r\n李强,3,139 0000 2222,苏c 88888,赵六\r\n"
        let r = try InviteeImport(bytes: Array(text.utf8))
        #expect(
            r.rows.first?.draft
                == InviteeDraft(
                    name: "赵六", phone: "13900002222", plate: "苏C88888", vin: nil,
                    model: nil, consultant: "李强", partySize: 3))
    }

    @Test func badRowsAreListedByLineAndGoodRowsKept() throws {
        let text = """
            姓名,手机,人数,VIN
            好人,13800000001,1,
            ,13800000002,1,
            坏号码,12345,1,
            人太多,13800000003,99,
            "引号, 逗号",13800000004,2,LSGPC52U86F123456
            短VIN,13800000005,1,ABC
            """
        let r = try InviteeImport(bytes: Array(text.utf8))
        #expect(r.rows.map(\.draft.name) == ["好人", "引号, 逗号"])
        #expect(r.rejected.map(\.line) == [3, 4, 5, 7])
        #expect(r.rejected[0].reason.contains("name"))
        #expect(r.rejected[1].reason.contains("12345"))
        #expect(r.rejected[2].reason.contains("party size"))
        #expect(r.rejected[3].reason.contains("VIN"))
    }

    @Test func aFileWithoutTheRequiredColumnsIsRefusedNamingThem() {
        #expect(throws: InviteeImport.Failure.self) { try InviteeImport(bytes: Array("车牌,车型\n苏C1,408\n".utf8)) }
        do { _ = try InviteeImport(bytes: Array("车牌\n苏C1\n".utf8)) } catch let e as InviteeImport.Failure {
            #expect(e.message.contains("姓名/name") && e.message.contains("手机/phone"))
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func randomBytesNeverCrashAndGiveAClearError() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let bytes = (0..<Int.random(in: 0..<400, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            do { let r = try InviteeImport(bytes: bytes); #expect(r.rows.isEmpty) } catch is InviteeImport.Failure {} catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }

    @Test(arguments: [
        ("13812345678", "13812345678"), ("138 1234 5678", "13812345678"), ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"), ("008613812345678", "13812345678"), ("8613812345678", "13812345678"),
    ])
    func phonesAreNormalised(raw: String, expected: String) {
        #expect(PhoneNumber.normalize(raw) == expected)
    }

    @Test(arguments: ["1381234567", "23812345678", "12812345678", "1381234567x", "", "０１３８"])
    func nonMobileNumbersAreRefused(raw: String) {
        #expect(PhoneNumber.normalize(raw) == nil)
    }

    @Test func masksHideTheMiddle() {
        #expect(NameMask.mask("张三明") == "张*明")
        #expect(NameMask.mask("张三") == "张*")
        #expect(NameMask.mask("欧阳娜娜") == "欧**娜")
        #expect(PhoneNumber.mask("13812345678") == "138****5678")
    }

    @Test func csvQuotesAndLineBreaksInsideFieldsAreKept() {
        let t = CSVTable(parsing: "a,b\r\n\"x\ny\",\"he said \"\"hi\"\"\"\r\n\r\nlast,1")
        #expect(t.records.count == 3)
        #expect(t.records[1].fields == ["x\ny", "he said \"hi\""])
        #expect(t.records[2].line == 5)
    }
}

@Suite struct CheckInCodeTests {
    @Test func codesAre20SymbolsOfA32LetterAlphabetAndNeverRepeat() {
        var seen = Set<String>()
        for _ in 0..<5_000 {
            let c = CheckInCode.generate()
            #expect(c.count == 20)
            #expect(CheckInCode.extract(from: c) == c)
            seen.insert(c)
        }
        #expect(seen.count == 5_000)
    }

    @Test func everySymbolIsUsedRoughlyEvenly() {
        // 100 bits carry the code only if all 32 symbols appear evenly in every position.
        var counts = [Character: Int]()
        for _ in 0..<2_000 { for c in CheckInCode.generate() { counts[c, default: 0] += 1 } }
        #expect(counts.count == 32)
        let expected = 2_000.0 * 20 / 32
        #expect(counts.values.allSatisfy { Double($0) > expected * 0.8 && Double($0) < expected * 1.2 })
    }

    @Test func scannedTextIsForgivingButStrict() {
        let code = CheckInCode.generate()
        #expect(CheckInCode.extract(from: " \(code.lowercased())\n") == code)
        #expect(CheckInCode.extract(from: "http://192.168.1.5:8080/c/\(code)") == code)
        #expect(CheckInCode.extract(from: "") == nil)
        #expect(CheckInCode.extract(from: "'; DROP TABLE invitee;--") == nil)
        #expect(CheckInCode.extract(from: String(repeating: "A", count: 20_000)) == nil)
        #expect(CheckInCode.extract(from: "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀") == nil)
    }
}
