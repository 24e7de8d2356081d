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

/// The real one: one AsyncHTTPClient for the process. A service that cannot be reached (no network at the venue)
/// is given up on within 10 seconds, so the admin's 登记 and 立即上报 answer promptly; a pack has more time to go up.
public struct HTTPHQTransport: HQTransport {
    /// Longest answer read; the service's answers are small JSON.
    static let answerLimit = 1 << 20
    static let client = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: HTTPClient.Configuration(timeout: .init(connect: .seconds(10), read: .seconds(120))))
    public init() {}

    /// 15 s, plus a second per 50 kB to send (a slow mobile link), at most 15 minutes.
    static func deadline(bytes: Int) -> TimeAmount { .seconds(Int64(min(900, 15 + bytes / 50_000))) }

    public func post(_ url: URL, body: Data, contentType: String) async throws -> HQAnswer {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        request.headers.add(name: "User-Agent", value: "EventKiosk/\(Install.version)")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await Self.client.execute(request, timeout: Self.deadline(bytes: body.count))
        let answer = try await response.body.collect(upTo: Self.answerLimit)
        return HQAnswer(status: Int(response.status.code), body: Data(answer.readableBytesView))
    }
}
