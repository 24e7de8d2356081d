import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// What the manufacturer's service answered to one POST.
public struct HQAnswer: Sendable {
    public var status: Int
    public var body: Data
    public init(status: Int, body: Data) { self.status = status; self.body = body }
}

/// How the kiosk reaches the manufacturer's service; tests give their own.
public protocol HQTransport: Sendable {
    /// Throws when the service cannot be reached at all (no network at the venue, the name does not resolve…).
    func post(_ url: URL, body: Data, contentType: String) async throws -> HQAnswer
}

/// The real one: AsyncHTTPClient's shared client, with a time limit per request.
public struct HTTPHQTransport: HQTransport {
    public var timeout: TimeAmount = .seconds(60)
    /// Longest answer read; the service's answers are small JSON.
    static let answerLimit = 1 << 20
    public init() {}

    public func post(_ url: URL, body: Data, contentType: String) async throws -> HQAnswer {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        request.headers.add(name: "User-Agent", value: "EventKiosk/\(Install.version)")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let answer = try await response.body.collect(upTo: Self.answerLimit)
        return HQAnswer(status: Int(response.status.code), body: Data(answer.readableBytesView))
    }
}
