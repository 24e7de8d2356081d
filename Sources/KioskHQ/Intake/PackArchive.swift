import Foundation
import KioskFormats
import ZIPFoundation

/// A pack's ZIP read with ZIPFoundation under limits: few entries, plain names (no folders, no `..`), and a cap on the
/// bytes each entry and the whole pack unpack to, counted while inflating, whatever the ZIP's headers claim.
enum PackArchive {
    static let maxEntries = 32
    static let maxEntryBytes = 256 << 20
    static let maxTotalBytes = 512 << 20

    static func files(_ data: Data) throws -> [String: Data] {
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch {
            throw HQError.invalid("not_a_zip", "上传的不是完整的 ZIP（可能被截断）/ The upload is not a whole ZIP file (truncated?)")
        }
        var files: [String: Data] = [:]
        var total = 0
        var count = 0
        for entry in archive {
            count += 1
            guard count <= maxEntries else { throw HQError.invalid("too_many_files", "ZIP 内文件超过 \(maxEntries) 个 / More than \(maxEntries) entries") }
            let name = entry.path
            guard entry.type == .file, isPlainName(name) else {
                throw HQError.invalid("bad_path", "ZIP 内的路径「\(name)」不允许 / Entry path \(name) is not a plain file name")
            }
            guard files[name] == nil else { throw HQError.invalid("bad_path", "ZIP 内「\(name)」出现两次 / Entry \(name) appears twice") }
            var out = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    out.append(chunk)
                    total += chunk.count
                    if out.count > maxEntryBytes || total > maxTotalBytes { throw Oversize() }
                }
            } catch is Oversize {
                throw HQError.invalid("too_large_unpacked", "解压后超过上限（疑似压缩炸弹）/ The pack unpacks beyond the limit (a zip bomb?)")
            } catch {
                throw HQError.invalid("not_a_zip", "ZIP 内「\(name)」无法读出（损坏或被截断）/ Entry \(name) cannot be read: damaged or truncated")
            }
            files[name] = out
        }
        guard !files.isEmpty else { throw HQError.invalid("not_a_zip", "ZIP 是空的 / The ZIP holds no files") }
        return files
    }

    struct Oversize: Error {}

    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name != "." && name != ".."
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) } && !name.hasPrefix(".")
    }
}
