import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EventKiosk

/// Issue 23, finding by finding: each attack as the issue tried it, refused with a 4xx that names the rule, and the
/// server still answering.
@Suite struct HardeningTests {
    func call(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, _ token: String, _ body: String = ""
    ) async throws -> (HTTPResponse.Status, String) {
        try await client.execute(uri: uri, method: method, headers: auth(token), body: ByteBuffer(string: body)) { r in
            (r.status, String(buffer: r.body))
        }
    }

    func csv(_ token: String) -> HTTPFields { var h = auth(token); h[.contentType] = "text/csv"; return h }

    func json(_ text: String) -> [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:] }

    func orderID(_ client: some TestClientProtocol, _ token: String, _ invitee: Int, extra: String = "") async throws -> Int {
        let (status, body) = try await call(client, .post, "/api/orders", token, #"{"invitee_id":\#(invitee),"model":"408"\#(extra)}"#)
        #expect(status == .created, "\(body)")
        return ((json(body)["order"] as? [String: Any])?["id"] as? Int) ?? 0
    }

    func spin(_ client: some TestClientProtocol, _ token: String, order: Int, nonce: String = UUID().uuidString) async throws -> (HTTPResponse.Status, String) {
        try await call(client, .post, "/api/wheel/spins", token, #"{"order_id":\#(order),"nonce":"\#(nonce)"}"#)
    }

    func editor(_ client: some TestClientProtocol, _ admin: String) async throws -> [String: Any] {
        json(try await call(client, .get, "/api/event/config", admin).1)["event"] as! [String: Any]
    }

    func put(_ client: some TestClientProtocol, _ admin: String, _ event: [String: Any]) async throws -> (HTTPResponse.Status, String) {
        try await call(client, .put, "/api/event", admin, String(decoding: try JSONSerialization.data(withJSONObject: event), as: UTF8.self))
    }

    // MARK: - The wheel

    /// The issue's two attacks: lowering every prize but one to what was given out, and adding a ¥41,000 prize with
    /// stock 1 while zeroing the rest. Both are refused; after them the spins follow the original odds, and the one
    /// removal that is allowed (a missing prize, with its reason) is public and flagged by the verifier.
    @Test func theWheelCannotBeSteeredThroughItsStock() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            let sales = try await client.staffToken(admin: admin, role: .sales, pin: "616161", name: "陈杰")
            var orders: [Int] = []
            for i in 1...6 { orders.append(try await orderID(client, sales, i)) }
            for o in orders.prefix(3) { #expect(try await spin(client, sales, order: o).0 == .created) }
            let before = try await t.db.wheel()

            // Attack 1: every prize but the first down to what has been given out.
            var e = try await editor(client, admin)
            var prizes = e["wheel"] as! [String: Any]
            var list = prizes["prizes"] as! [[String: Any]]
            let won = Dictionary(before.prizes.map { ($0.id, $0.stock - $0.remaining) }, uniquingKeysWith: { a, _ in a })
            for i in 1..<list.count { list[i]["stock"] = won[list[i]["id"] as! String] ?? 0 }
            prizes["prizes"] = list; e["wheel"] = prizes
            var (status, body) = try await put(client, admin, e)
            #expect(status == .unprocessableContent && body.contains("stock_change_reason"), "\(body)")
            e["stock_change_reason"] = "奖品缺失"
            (status, body) = try await put(client, admin, e)
            #expect(status == .unprocessableContent && body.contains("至少保留两种") && body.contains("10%"), "\(body)")

            // Attack 2: a ¥41,000 prize with stock 1, and the rest zeroed.
            e = try await editor(client, admin)
            prizes = e["wheel"] as! [String: Any]
            list = (prizes["prizes"] as! [[String: Any]]).map { p in var p = p; p["stock"] = won[p["id"] as! String] ?? 0; return p }
            list.append(["id": "car_gift", "name": "大奖", "value": 41_000, "stock": 1])
            prizes["prizes"] = list; e["wheel"] = prizes; e["stock_change_reason"] = "奖品缺失"
            (status, body) = try await put(client, admin, e)
            #expect(status == .unprocessableContent, "\(body)")

            // Nothing changed: the next spins draw on the original stock.
            let after = try await t.db.wheel()
            #expect(after.prizes.map(\.remaining) == before.prizes.map(\.remaining) && after.stockChanges.isEmpty)
            for o in orders.dropFirst(3).prefix(2) { #expect(try await spin(client, sales, order: o).0 == .created) }

            // One mat is missing: a removal with its reason, within the allowance, shown at once.
            e = try await editor(client, admin)
            prizes = e["wheel"] as! [String: Any]
            list = prizes["prizes"] as! [[String: Any]]
            list[0]["stock"] = (list[0]["stock"] as! Int) - 1
            prizes["prizes"] = list; e["wheel"] = prizes; e["stock_change_reason"] = "一套脚垫损坏"
            (status, body) = try await put(client, admin, e)
            #expect(status == .ok, "\(body)")
            let wheel = try await call(client, .get, "/api/wheel", admin).1
            #expect(wheel.contains("一套脚垫损坏") && wheel.contains("\"after_spin\":5"), "\(wheel)")
            let rules = try await client.execute(uri: "/rules", method: .get) { String(buffer: $0.body) }
            #expect(rules.contains("stock-changes") && rules.contains("一套脚垫损坏"))
            #expect(try await spin(client, sales, order: orders[5]).0 == .created)

            // After close every spin recomputes from the seed, and the verifier prints the removal, flagged.
            #expect(try await call(client, .post, "/api/event/close", admin).0 == .ok)
            let record = try await client.execute(uri: "/api/wheel/record", method: .get) { Data(buffer: $0.body) }
            let (ok, lines) = DrawVerifier.verify(fileData: record)
            #expect(ok, "\(lines)")
            #expect(lines.contains { $0.contains("REMOVAL") && $0.contains("mats 10 → 9") && $0.contains("一套脚垫损坏") }, "\(lines)")
        }
    }

    @Test func theStockRuleIsPure() {
        let event = try! EventConfig.load(file: TestApp.repoRoot.appendingPathComponent("Assets/demo-event.json"))
        var twoLeft = event
        for i in twoLeft.wheel.prizes.indices.dropFirst(2) { twoLeft.wheel.prizes[i].stock = 0 }
        let problems = { (new: EventConfig, reason: String?, removed: Int) in
            EventEditRules.stockProblems(old: event, new: new, won: [:], spins: 1, reason: reason, removedSoFar: removed, stockAtFirstSpin: 60)
        }
        #expect(EventEditRules.removalAllowance(stockAtFirstSpin: 60) == 6)
        #expect(!problems(twoLeft, "缺失", 0).isEmpty, "44 removed is far past 6")
        var oneLess = event
        oneLess.wheel.prizes[4].stock -= 1
        #expect(problems(oneLess, "缺失", 0).isEmpty)
        #expect(!problems(oneLess, nil, 0).isEmpty, "no reason")
        #expect(!problems(oneLess, "缺失", 6).isEmpty, "the day's 6 are used")
        #expect(EventEditRules.stockProblems(old: event, new: twoLeft, won: [:], spins: 0, reason: nil, removedSoFar: 0, stockAtFirstSpin: 60).isEmpty)
    }

    @Test func aSpinNonceSentWithAnotherOrderIsRefused() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            let sales = try await client.staffToken(admin: admin, role: .sales, pin: "626262", name: "陈杰")
            let a = try await orderID(client, sales, 1), b = try await orderID(client, sales, 2)
            #expect(try await spin(client, sales, order: a, nonce: "nonce-0001").0 == .created)
            #expect(try await spin(client, sales, order: a, nonce: "nonce-0001").0 == .created, "the same request again")
            let (status, body) = try await spin(client, sales, order: b, nonce: "nonce-0001")
            #expect(status == .conflict && body.contains("nonce_reused"), "\(body)")
        }
    }

    // MARK: - Orders and grants

    @Test func ordersNeedARealConsultantAnEventModelAndAReasonForASecondOrder() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            let sales = try await client.staffToken(admin: admin, role: .sales, pin: "636363", name: "陈杰")
            _ = try await client.staffToken(admin: admin, role: .mc, pin: "646464", name: "主持人")
            for consultant in ["不存在的人", "主持人"] {
                let (s, b) = try await call(client, .post, "/api/orders", sales, #"{"invitee_id":1,"model":"408","consultant":"\#(consultant)"}"#)
                #expect(s == .unprocessableContent && b.contains("unknown_consultant"), "\(consultant): \(b)")
            }
            var (s, b) = try await call(client, .post, "/api/orders", sales, #"{"invitee_id":1,"model":"特斯拉"}"#)
            #expect(s == .unprocessableContent && b.contains("invalid_model") && b.contains("408"), "\(b)")
            _ = try await orderID(client, sales, 1)
            (s, b) = try await call(client, .post, "/api/orders", sales, #"{"invitee_id":1,"model":"3008"}"#)
            #expect(s == .conflict && b.contains("second_order"), "\(b)")
            #expect(try await t.db.validOrderCount() == 1, "the fake second order did not raise the rebate")
            let second = try await orderID(client, sales, 1, extra: #","reason":"大客户：公司车队两台""#)
            let orders = try await call(client, .get, "/api/orders", admin).1
            #expect(orders.contains("大客户：公司车队两台") && orders.contains("\"entered_by\":2"), "\(orders)")
            // Every audit entry of a staff member's action names them.
            let audit = try await t.db.auditRows().filter { $0.entry.contains("\"kind\":\"order\"") }
            #expect(audit.count == 2 && audit.allSatisfy { $0.entry.contains("\"staff_id\":2") && $0.entry.contains("\"role\":\"sales\"") })
            #expect(second > 0)
        }
    }

    @Test func aBonusSpinNeedsAReasonAndAGuestInTheRoom() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            let mc = try await client.staffToken(admin: admin, role: .mc, pin: "656565", name: "主持人")
            var (s, b) = try await call(client, .post, "/api/wheel/grants", mc, #"{"invitee_id":1,"reason":"  "}"#)
            #expect(s == .unprocessableContent && b.contains("missing_reason"), "\(b)")
            (s, b) = try await call(client, .post, "/api/wheel/grants", mc, #"{"invitee_id":1,"reason":"夺宝令牌"}"#)
            #expect(s == .conflict && b.contains("not_checked_in"), "\(b)")
            try await t.checkIn([1])
            (s, b) = try await call(client, .post, "/api/wheel/grants", mc, #"{"invitee_id":1,"reason":"夺宝令牌"}"#)
            #expect(s == .created, "\(b)")
        }
    }

    /// The issue: the log's order, spin, check-in, undo, replacement and import entries did not say who did it.
    @Test func everyAuditEntryOfAStaffActionNamesTheStaffMemberAndRole() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        try await t.test { client in
            let admin = try await client.login("1234")
            let greeter = try await client.staffToken(admin: admin, role: .greeter, pin: "666666", name: "门口小王")
            let sales = try await client.staffToken(admin: admin, role: .sales, pin: "676767", name: "陈杰")
            let code = try await t.db.invitee(id: 1).code
            let (s, b) = try await call(client, .post, "/api/checkins", greeter, #"{"code":"\#(code)","door":"正门","nonce":"audit-scan-1"}"#)
            #expect(s == .created)
            let checkin = ((json(b)["checkin"] as? [String: Any])?["id"] as? Int) ?? 0
            #expect(try await call(client, .delete, "/api/checkins/\(checkin)", greeter).0 == .ok)
            let order = try await orderID(client, sales, 2)
            #expect(try await spin(client, sales, order: order).0 == .created)
            let file = "姓名,手机,销售顾问\n新客户,13700001234,陈杰\n"
            try await client.execute(
                uri: "/api/invitees/import", method: .post, headers: csv(sales),
                body: ByteBuffer(string: file)
            ) { #expect($0.status == .ok) }
            let rows = try await t.db.auditRows()
            // Staff ids: the admin 1, the greeter 2, the consultant 3.
            func entry(_ kind: String) -> String { rows.last { $0.entry.contains("\"kind\":\"\(kind)\"") }?.entry ?? "" }
            #expect(entry("checkin").contains("\"staff_id\":2") && entry("checkin").contains("\"role\":\"greeter\""), "\(entry("checkin"))")
            #expect(entry("checkin_undo").contains("\"staff_id\":2"))
            for kind in ["order", "spin", "invitees_imported"] {
                #expect(entry(kind).contains("\"staff_id\":3") && entry(kind).contains("\"role\":\"sales\""), "\(kind): \(entry(kind))")
            }
            #expect(AuditLog.verify(rows).isEmpty)
        }
    }

    // MARK: - Personal data

    /// PIPL art. 51: each role gets the fields its job needs (the table in `PersonalDataAccess`).
    @Test func eachRoleSeesOnlyThePersonalFieldsItsJobNeeds() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        let guest = try await t.db.invitee(id: 1)  // 徐敏, consultant 陈杰
        let other = try await t.db.invitee(id: 2)  // 林秀英, consultant 张敏
        try await t.test { client in
            let admin = try await client.login("1234")
            var tokens: [String: String] = ["admin": admin]
            for (i, (role, name)) in [(Role.greeter, "门口"), (.technician, "技师"), (.mc, "主持"), (.sales, "陈杰")].enumerated() {
                tokens[role.rawValue] = try await client.staffToken(admin: admin, role: role, pin: "70\(i)707", name: name)
            }
            func first(_ role: String, id: Int64) async throws -> [String: Any] {
                let page = json(try await call(client, .get, "/api/invitees?limit=5", tokens[role]!).1)
                return (page["items"] as! [[String: Any]]).first { ($0["id"] as? Int) == Int(id) } ?? [:]
            }
            let masked = PhoneNumber.mask(guest.phone)
            var g = try await first("greeter", id: 1)
            #expect(g["name"] as? String == NameMask.mask(guest.name) && g["phone"] as? String == masked)
            #expect(g["code"] == nil && g["plate"] == nil && g["consultant"] as? String == "陈杰" && g["party_size"] != nil)
            g = try await first("technician", id: 1)
            #expect(g["name"] as? String == guest.name && g["plate"] as? String == guest.plate && g["phone"] as? String == masked)
            #expect(g["code"] == nil)
            g = try await first("mc", id: 1)
            #expect(g["name"] as? String == NameMask.mask(guest.name) && g["consultant"] == nil && g["code"] == nil)
            g = try await first("sales", id: 1)
            #expect(g["phone"] as? String == guest.phone && g["code"] as? String == guest.code, "their own guest in full")
            g = try await first("sales", id: 2)
            #expect(g["phone"] as? String == PhoneNumber.mask(other.phone) && g["code"] == nil, "another consultant's guest masked")
            g = try await first("admin", id: 2)
            #expect(g["phone"] as? String == other.phone && g["code"] as? String == other.code)
            // The SMS export and the QR codes: a consultant's own guests only.
            let export = try await call(client, .get, "/api/invitees/export.csv", tokens["sales"]!).1
            #expect(export.contains(guest.phone) && !export.contains(other.phone))
            #expect(try await call(client, .get, "/api/invitees/2/qr.svg", tokens["sales"]!).0 == .forbidden)
            #expect(try await call(client, .get, "/api/invitees/1/qr.svg", tokens["sales"]!).0 == .ok)
            #expect(try await call(client, .get, "/api/invitees/1/qr.svg", tokens["greeter"]!).0 == .forbidden)
            // A greeter checks a guest found by name in by id, never seeing the code.
            let (s, b) = try await call(client, .post, "/api/checkins", tokens["greeter"]!, #"{"invitee_id":2,"door":"正门","nonce":"by-id-0001"}"#)
            #expect(s == .created && !b.contains(other.code) && !b.contains(other.phone), "\(b)")
        }
    }

    @Test func aSalesImportCannotMoveAnotherConsultantsGuestNorResetWhatTheFileLeavesOut() async throws {
        let t = try await TestApp(loadDemoInvitees: true)
        let other = try await t.db.invitee(id: 2)  // consultant 张敏, party of 3
        let mine = try await t.db.invitee(id: 1)  // consultant 陈杰
        try await t.test { client in
            let admin = try await client.login("1234")
            let sales = try await client.staffToken(admin: admin, role: .sales, pin: "717171", name: "陈杰")
            let file = "姓名,手机,销售顾问\n抢客户,\(other.phone),陈杰\n\(mine.name),\(mine.phone),陈杰\n重复,\(mine.phone),陈杰\n"
            let answer = try await client.execute(
                uri: "/api/invitees/import", method: .post, headers: csv(sales),
                body: ByteBuffer(string: file)
            ) { r in
                #expect(r.status == .ok)
                return try decodeJSON(ImportResult.self, r)
            }
            #expect(answer.rejected.map(\.line) == [2, 4], "\(answer.rejected)")
            #expect(answer.rejected[0].reason.contains("张敏") && answer.rejected[1].reason.contains("第 3 行"))
            let kept = try await t.db.invitee(id: 2)
            #expect(kept.consultant == "张敏" && kept.name == other.name && kept.partySize == other.partySize)
            // No 人数 column: the stored party size stays.
            let admins = "姓名,手机\n\(other.name),\(other.phone)\n"
            try await client.execute(
                uri: "/api/invitees/import", method: .post, headers: csv(admin),
                body: ByteBuffer(string: admins)
            ) { #expect($0.status == .ok) }
            #expect(try await t.db.invitee(id: 2).partySize == 3)
        }
    }

    // MARK: - Staff, sessions, files

    /// A PIN change that commits while a sign-in with the old PIN is being hashed wins: the session is not stored.
    @Test func aSessionIsNotStoredOnAPINChangedWhileItWasBeingChecked() async throws {
        let db = try AppDatabase.inMemory()
        _ = try await db.ensureAdmin(envPIN: "12345678")
        let oldHash = try await db.read { db in try StaffRecord.fetchOne(db, key: 1)!.pinHash }
        _ = try await db.changePIN(id: 1, pin: "87654321")
        #expect(try await db.storeSession(staffID: 1, pinHash: oldHash, device: nil) == nil)
        #expect(try await db.login(pin: "12345678") == nil)
        #expect(try await db.login(pin: "87654321") != nil)
    }

    @Test func staffCanBeRemovedAndPINsChangedAfterTheDayIsClosed() async throws {
        let t = try await TestApp()
        try await t.test { client in
            let admin = try await client.login("1234")
            let greeter = try await client.staffToken(admin: admin, role: .greeter, pin: "727272", name: "临时工")
            _ = try await client.staffToken(admin: admin, role: .sales, pin: "737373", name: "销售")
            #expect(try await call(client, .post, "/api/event/close", admin).0 == .ok)
            #expect(try await call(client, .put, "/api/staff/3/pin", admin, #"{"pin":"747474"}"#).0 == .ok)
            #expect(try await call(client, .delete, "/api/staff/2", admin).0 == .ok)
            #expect(try await call(client, .get, "/api/me", greeter).0 == .unauthorized, "the removed greeter's token ends at once")
        }
    }

    @Test func signInCookiesAreSecureOverHTTPSOnly() throws {
        let controller = StaffController(db: try AppDatabase.inMemory(), gate: LoginGate(policy: .init()), httpsPort: 8443)
        let overHTTPS = controller.signInCookies(token: "t", device: "d", port: 8443).map(\.description)
        let overHTTP = controller.signInCookies(token: "t", device: "d", port: 8080).map(\.description)
        #expect(overHTTPS.count == 2 && overHTTPS.allSatisfy { $0.contains("Secure") && $0.contains("HttpOnly") }, "\(overHTTPS)")
        #expect(overHTTP.allSatisfy { !$0.contains("Secure") && $0.contains("HttpOnly") }, "\(overHTTP)")
    }

    @Test func theDataFolderAndItsFilesAreTheOwnersOnly() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-perm-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = try AppDatabase.open(directory: dir)
        try await db.saveEvent(try EventConfig.load(file: TestApp.repoRoot.appendingPathComponent("Assets/demo-event.json")))
        func mode(_ path: String) throws -> Int { (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue }
        #expect(try mode(dir.path) == 0o700)
        for suffix in ["", "-wal", "-shm"] {
            let file = dir.appendingPathComponent(AppDatabase.fileName + suffix).path
            if FileManager.default.fileExists(atPath: file) { #expect(try mode(file) == 0o600, "\(file)") }
        }
    }

    /// The backup folder swapped for a link into the served folder after it was set: the next snapshot is refused.
    @Test func aBackupFolderSwappedForALinkIntoTheServedFolderIsRefusedAtTheNextSnapshot() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-link-\(UUID().uuidString)")
        let served = root.appendingPathComponent("Kiosk"), usb = root.appendingPathComponent("usb")
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let db = try AppDatabase.inMemory()
        let target = BackupTarget(folder: nil, every: .seconds(300), keep: 3, served: served)
        try target.setFolder(usb.path)
        try FileManager.default.removeItem(at: usb)
        try FileManager.default.createSymbolicLink(at: usb, withDestinationURL: served)
        #expect(throws: DomainError.self) { try target.snapshot(db: db, logger: .init(label: "test")) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: served.path).isEmpty, "nothing was written into the served folder")
        #expect(target.current.lastError?.contains("folder_served") == true || target.current.lastError?.contains("备份文件夹") == true)
    }

    @Test func decodingRunsAFewAtATimeAndTheRestAreToldToWait() async throws {
        let gate = DecodeGate(slots: 2, waiting: 2)
        let peak = Counter()
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    do {
                        _ = try await gate.run {
                            await peak.enter()
                            try? await Task.sleep(for: .milliseconds(200))
                            await peak.leave()
                        }
                        return true
                    } catch { return false }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(await peak.highest <= 2)
        #expect(results.filter { $0 }.count == 4 && results.filter { !$0 }.count == 2, "two decode, two wait, two are told to wait")
    }

    actor Counter {
        var now = 0, highest = 0
        func enter() { now += 1; highest = max(highest, now) }
        func leave() { now -= 1 }
    }
}
