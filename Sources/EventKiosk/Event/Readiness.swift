import Foundation
import GRDB
import KioskFormats

/// The checklist the admin works through the day before: pure, from facts gathered in one read.
public enum Readiness {
    public struct Facts: Sendable {
        public var invited = 0
        public var printedAt: Date?
        /// Invitations added, or codes reissued, after the cards were printed.
        public var changedSincePrint = 0
        public var wheelStock = 0
        public var expectedOrders: Int?
        public var rulesReviewedAt: Date?
        public var eventChangedAt: Date?
        public var backupFolder: String?
        public var backupError: String?
        /// Tablets and phones that reached the HTTPS port (they trust the kiosk's CA); nil when HTTPS is off.
        public var httpsDevices: Int?
    }

    public struct Item: Encodable, Sendable, Equatable {
        public let id: String
        public let ok: Bool
        public let zh: String
        public let en: String
        /// Where the admin fixes it.
        public let link: String
        /// Worth doing, but the day can run without it (handheld scanners need no tablet set up).
        public var optional = false
    }

    public static func check(_ f: Facts) -> [Item] {
        var items: [Item] = []
        items.append(
            f.invited > 0
                ? Item(id: "invitees", ok: true, zh: "已导入 \(f.invited) 位来宾", en: "\(f.invited) invitees imported", link: "#import-panel")
                : Item(id: "invitees", ok: false, zh: "还没有导入来宾名单", en: "No invitees imported yet", link: "#import-panel"))

        if f.printedAt == nil {
            items.append(Item(id: "qr_printed", ok: false, zh: "邀请函二维码尚未确认打印", en: "QR invitation cards not marked as printed", link: "/invitations"))
        } else if f.changedSincePrint > 0 {
            items.append(
                Item(
                    id: "qr_printed", ok: false, zh: "打印后又有 \(f.changedSincePrint) 位来宾新增或换码，请补打",
                    en: "\(f.changedSincePrint) invitees were added or got a new code since printing: print those again", link: "/invitations"))
        } else {
            items.append(Item(id: "qr_printed", ok: true, zh: "邀请函已打印", en: "Invitation cards printed", link: "/invitations"))
        }

        if let expected = f.expectedOrders {
            items.append(
                f.wheelStock >= expected
                    ? Item(
                        id: "wheel_stock", ok: true, zh: "转盘奖品 \(f.wheelStock) 件，够预计 \(expected) 单",
                        en: "\(f.wheelStock) wheel prizes cover the \(expected) expected orders", link: "#event-panel")
                    : Item(
                        id: "wheel_stock", ok: false, zh: "转盘奖品只有 \(f.wheelStock) 件，少于预计 \(expected) 单：请加库存",
                        en: "Only \(f.wheelStock) wheel prizes for \(expected) expected orders: add stock", link: "#event-panel"))
        } else {
            items.append(
                Item(
                    id: "wheel_stock", ok: false, zh: "请填写预计订单数，以核对转盘库存", en: "Enter the expected orders so the wheel stock can be checked",
                    link: "#event-panel"))
        }

        if let reviewed = f.rulesReviewedAt, f.eventChangedAt.map({ $0 <= reviewed }) ?? true {
            items.append(Item(id: "rules_reviewed", ok: true, zh: "活动规则页已审核", en: "Promotion rules page reviewed", link: "/rules"))
        } else {
            items.append(
                Item(
                    id: "rules_reviewed", ok: false,
                    zh: f.rulesReviewedAt == nil ? "活动规则页尚未审核" : "审核后活动设置有改动，请再审核规则页",
                    en: f.rulesReviewedAt == nil
                        ? "Promotion rules page not reviewed yet" : "The event changed after the review: review the rules page again",
                    link: "/rules"))
        }

        if let folder = f.backupFolder {
            items.append(
                f.backupError == nil
                    ? Item(id: "backup", ok: true, zh: "自动备份到 \(folder)", en: "Snapshots go to \(folder)", link: "#backup-panel")
                    : Item(
                        id: "backup", ok: false, zh: "备份到 \(folder) 失败：\(f.backupError!)", en: "Backup to \(folder) failed: \(f.backupError!)",
                        link: "#backup-panel"))
        } else {
            items.append(
                Item(id: "backup", ok: false, zh: "尚未设置备份文件夹（如 U 盘）", en: "No backup folder (such as a USB stick) is set", link: "#backup-panel"))
        }
        if let n = f.httpsDevices {
            items.append(
                n > 0
                    ? Item(
                        id: "tablets", ok: true, zh: "已有 \(n) 台平板/手机通过 HTTPS 连接（可用摄像头扫码）",
                        en: "\(n) tablet(s) or phone(s) have connected over HTTPS (camera scanning works)", link: "/setup.html", optional: true)
                    : Item(
                        id: "tablets", ok: false, zh: "还没有平板/手机通过 HTTPS 连接：用摄像头扫码前请先设置平板",
                        en: "No tablet or phone has connected over HTTPS yet: set the tablets up before scanning with their cameras",
                        link: "/setup.html", optional: true))
        }
        return items
    }
}

extension AppDatabase {
    static let qrPrintedKey = "qr_printed_at"
    static let rulesReviewedKey = "rules_reviewed_at"
    static let eventChangedKey = "event_changed_at"

    /// Milliseconds matter: an import a moment after "printed" must count as after it. The shared writer (KioskFormats).
    static func stamp(_ date: Date) -> String { Stamp.text(date) }
    static func stamp(_ text: String) -> Date? {
        let f = ISO8601DateFormatter(); f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: text)
    }

    func readinessFacts() async throws -> Readiness.Facts {
        try await read { db in
            var f = Readiness.Facts()
            func date(_ key: String) throws -> Date? { try Self.setting(db, key).flatMap { Self.stamp($0) } }
            f.invited = try Int.fetchOne(db, sql: "SELECT n FROM invited_count WHERE id = 1") ?? 0
            f.printedAt = try date(Self.qrPrintedKey)
            if let printed = f.printedAt {
                f.changedSincePrint =
                    try Int.fetchOne(
                        db,
                        sql: """
                            SELECT COUNT(*) FROM invitee WHERE walk_in = 0 AND status = 'active'
                            AND (created_at > ? OR id IN (SELECT invitee_id FROM retired_code WHERE at > ?))
                            """, arguments: [printed, printed]) ?? 0
            }
            let event = try Self.event(db)
            f.wheelStock = event?.wheel.prizes.reduce(0) { $0 + $1.stock } ?? 0
            f.expectedOrders = event?.expectedOrders
            f.rulesReviewedAt = try date(Self.rulesReviewedKey)
            f.eventChangedAt = try date(Self.eventChangedKey)
            return f
        }
    }

    /// Ticks a checklist item that only a person can confirm (cards printed, rules page read).
    func markReady(_ key: String, staffID: Int64?) async throws {
        try await write { db in
            try Self.setSetting(db, key, Self.stamp(Self.writeTime))
            try AuditLog.append(db, kind: "readiness", ["item": key])
        }
    }
}
