import Foundation
import Testing

@testable import EventKiosk

@Suite struct QRCodeTests {
    @Test func aCheckInCodeFitsASmallQRCode() throws {
        let qr = try QRCode(CheckInCode.generate())
        #expect(qr.size == 21 || qr.size == 25)  // version 1 or 2
        #expect(qr.modules.count == qr.size * qr.size)
        // The three finder patterns: dark 7x7 corners.
        #expect(qr.isDark(x: 0, y: 0) && qr.isDark(x: qr.size - 1, y: 0) && qr.isDark(x: 0, y: qr.size - 1))
    }

    @Test func thePNGHasAValidHeaderAndTheExpectedSize() throws {
        let qr = try QRCode("HELLO")
        let png = qr.png(scale: 4)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == (qr.size + 8) * 4)
        #expect(Array(png.suffix(8).prefix(4)) == Array("IEND".utf8))
    }

    @Test func theSVGDrawsEveryDarkModule() throws {
        let qr = try QRCode("HELLO")
        let svg = qr.svg()
        #expect(svg.hasPrefix("<svg"))
        let widths = svg.matches(of: /h(\d+)v1/).map { Int($0.1)! }.reduce(0, +)
        #expect(widths == qr.modules.filter { $0 }.count)
    }

    @Test func emptyOrHugeTextIsRefused() {
        #expect(throws: QRCode.Failure.self) { try QRCode("") }
        #expect(throws: QRCode.Failure.self) { try QRCode(String(repeating: "x", count: 5_000)) }
    }
}
