import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@testable import EventKiosk

/// Issue 23: 100 connections that declared a body and sent one byte every 5 s stayed open for ever (the idle timeout
/// never fired: they were never idle). The server now cuts a request that arrives slower than `RequestPace`.
@Suite struct SlowBodyTests {
    /// A plain TCP connection to the server on 127.0.0.1.
    final class Socket {
        let fd: Int32
        init(port: Int) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            let ok = withUnsafePointer(to: &addr) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard ok == 0 else { throw POSIXError(.ECONNREFUSED) }
            var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }
        deinit { close(fd) }
        @discardableResult func send(_ text: String) -> Bool { text.utf8CString.withUnsafeBufferPointer { Glibc.send(fd, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL)) } > 0 }
        /// True once the server has closed the connection (a read returns 0 or fails other than by timing out).
        func closedByPeer() -> Bool {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = recv(fd, &buffer, buffer.count, 0)
            return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
        }
    }

    @Test func aBodyThatTricklesIsCutWhileAPromptRequestIsAnswered() async throws {
        var config = AppConfig()
        config.kioskDir = TestApp.repoRoot.appendingPathComponent("Kiosk")
        config.requestPace.grace = .seconds(1)
        config.requestPace.minBytesPerSecond = 1_000
        config.requestPace.check = .milliseconds(100)
        let db = try AppDatabase.inMemory()
        let (router, _) = buildRouter(db: db, config: config)
        var logger = Logger(label: "slow")
        logger.logLevel = .error
        let app = Application(
            router: router, server: .http1(configuration: httpConfiguration(config)),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let slow = try (0..<20).map { _ in try Socket(port: port) }
            for s in slow { s.send("POST /api/login HTTP/1.1\r\nHost: kiosk\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{") }
            var closed = Set<Int>()
            let start = Date()
            while closed.count < slow.count, Date().timeIntervalSince(start) < 8 {
                for (i, s) in slow.enumerated() where !closed.contains(i) {
                    s.send(" ")  // one byte every ~0.1 s per connection: far below 1,000 bytes a second
                    if s.closedByPeer() { closed.insert(i) }
                }
            }
            #expect(closed.count == slow.count, "\(closed.count) of \(slow.count) trickling bodies were cut")
            #expect(Date().timeIntervalSince(start) < 6)
            // A request that arrives at once is answered as ever.
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
    }
}
