import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// How fast a request must arrive. The idle timeout closes a connection that sends nothing; a body that trickles in a
/// byte every few seconds is never idle, so it held its connection for ever (issue 23: 100 such bodies stayed open).
public struct RequestPace: Sendable {
    /// A request may take this long before its pace is judged (a photo on a weak Wi-Fi starts slowly).
    public var grace: TimeAmount = .seconds(15)
    /// After the grace period, the request must have arrived at this average rate or its connection is closed.
    public var minBytesPerSecond = 2_048
    /// No request takes longer than this, however fast (the largest body, 8 MB, needs 80 s at 100 kB/s).
    public var longest: TimeAmount = .seconds(180)
    /// How often the pace is looked at.
    public var check: TimeAmount = .seconds(1)
    public init() {}
}

/// Closes the connection of a request that arrives slower than `RequestPace` allows, from its head to its end.
/// A response in progress (a live stream) is not a request arriving: the clock stops at the request's end.
final class RequestDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    let pace: RequestPace
    private var started: NIODeadline?
    private var received = 0
    private var timer: Scheduled<Void>?

    init(pace: RequestPace) { self.pace = pace }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            started = .now()
            received = 0
            arm(context)
        case .body(let bytes): received += bytes.readableBytes
        case .end: stop()
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { stop() }

    private func stop() {
        timer?.cancel()
        timer = nil
        started = nil
    }

    private func arm(_ context: ChannelHandlerContext) {
        timer?.cancel()
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: pace.check) { [self] in
            guard let started else { return }
            let elapsed = NIODeadline.now() - started
            let seconds = Double(elapsed.nanoseconds) / 1e9
            if elapsed > pace.longest || (elapsed > pace.grace && Double(received) / seconds < Double(pace.minBytesPerSecond)) {
                stop()
                context.close(promise: nil)
            } else {
                arm(context)
            }
        }
    }
}
