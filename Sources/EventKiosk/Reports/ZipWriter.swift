import CKioskZlib
import Foundation

/// The smallest ZIP writer an evidence pack needs: stored (uncompressed) entries with UTF-8 names and CRC-32
/// from zlib. Every unzip tool, Windows Explorer and Python's zipfile read it.
struct ZipWriter {
    private var body = Data()
    private var central = Data()
    private var count: UInt16 = 0
    private let dosTime: UInt16
    private let dosDate: UInt16

    init(date: Date = Date()) {
        let c = Calendar(identifier: .gregorian).dateComponents(in: .current, from: date)
        dosTime = UInt16((c.hour ?? 0) << 11 | (c.minute ?? 0) << 5 | (c.second ?? 0) / 2)
        dosDate = UInt16(max(0, (c.year ?? 1980) - 1980) << 9 | (c.month ?? 1) << 5 | (c.day ?? 1))
    }

    mutating func add(_ name: String, _ data: Data) {
        let nameBytes = Data(name.utf8)
        let crc = data.withUnsafeBytes { UInt32(crc32(0, $0.bindMemory(to: UInt8.self).baseAddress, uInt(data.count))) }
        let offset = UInt32(body.count)
        var local = Data()
        local.le32(0x0403_4b50); local.le16(20); local.le16(0x0800); local.le16(0)  // version, UTF-8 names, stored
        local.le16(dosTime); local.le16(dosDate); local.le32(crc); local.le32(UInt32(data.count)); local.le32(UInt32(data.count))
        local.le16(UInt16(nameBytes.count)); local.le16(0)
        body.append(local); body.append(nameBytes); body.append(data)
        var entry = Data()
        entry.le32(0x0201_4b50); entry.le16(20); entry.le16(20); entry.le16(0x0800); entry.le16(0)
        entry.le16(dosTime); entry.le16(dosDate); entry.le32(crc); entry.le32(UInt32(data.count)); entry.le32(UInt32(data.count))
        entry.le16(UInt16(nameBytes.count)); entry.le16(0); entry.le16(0); entry.le16(0); entry.le16(0); entry.le32(0); entry.le32(offset)
        central.append(entry); central.append(nameBytes)
        count += 1
    }

    func finish() -> Data {
        var out = body
        out.append(central)
        var end = Data()
        end.le32(0x0605_4b50); end.le16(0); end.le16(0); end.le16(count); end.le16(count)
        end.le32(UInt32(central.count)); end.le32(UInt32(body.count)); end.le16(0)
        out.append(end)
        return out
    }
}

private extension Data {
    mutating func le16(_ v: UInt16) { append(contentsOf: [UInt8(v & 0xff), UInt8(v >> 8)]) }
    mutating func le32(_ v: UInt32) { append(contentsOf: [UInt8(v & 0xff), UInt8(v >> 8 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 24)]) }
}
