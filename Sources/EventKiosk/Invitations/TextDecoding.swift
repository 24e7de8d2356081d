import Foundation
#if canImport(Glibc)
import Glibc
#endif

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

    /// GB18030 through glibc's iconv (the toolchain's Foundation on Linux has no GB18030 decoder).
    static func gb18030(_ input: [UInt8]) -> String? {
        let cd = iconv_open("UTF-8", "GB18030")
        guard cd != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(cd) }
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        var inCopy = input.map { CChar(bitPattern: $0) }
        var written = 0
        let ok: Bool = inCopy.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                var inPtr: UnsafeMutablePointer<CChar>? = inBuf.baseAddress
                var inLeft = inBuf.count
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outLeft = outBuf.count
                let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                written = outBuf.count - outLeft
                return r != -1 && inLeft == 0
            }
        }
        output.removeLast(output.count - written)
        guard ok else { return nil }
        return String(validating: output, as: UTF8.self)
    }
}
