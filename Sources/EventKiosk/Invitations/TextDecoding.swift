import Foundation

/// Turns an uploaded file's bytes into text: UTF-8 (with or without BOM) or GB18030/GBK, as Excel in China saves it.
public enum TextDecoding {
    public enum Encoding: String, Sendable { case utf8 = "UTF-8", gb18030 = "GB18030" }

    public struct Failure: Error, Sendable { public let message: String }

    /// Detects the encoding: valid UTF-8 wins (ASCII is both); anything else is read as GB18030, a superset of GBK.
    public static func decode(_ bytes: [UInt8]) throws -> (text: String, encoding: Encoding) {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if let text = String(validating: body, as: UTF8.self) { return (text, .utf8) }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw Failure(message: "文件是 UTF-16 编码，请另存为 CSV UTF-8 或 CSV / The file is UTF-16; save it as \"CSV UTF-8\" or \"CSV\"")
        }
        guard let text = gb18030(Array(bytes)) else {
            throw Failure(message: "无法识别文件编码（不是 UTF-8，也不是 GBK/GB18030）/ The file is neither UTF-8 nor GBK/GB18030 text")
        }
        return (text, .gb18030)
    }

    /// GB18030 (NSStringEncoding 0x80000632, kCFStringEncodingGB_18030_2000) through the toolchain's Foundation/ICU,
    /// which decodes 2- and 4-byte sequences correctly and refuses malformed input.
    static let gb18030Encoding = String.Encoding(rawValue: 0x8000_0632)

    static func gb18030(_ input: [UInt8]) -> String? {
        String(bytes: input, encoding: gb18030Encoding)
    }
}
