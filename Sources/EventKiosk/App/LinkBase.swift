import Foundation
import HTTPTypes
import Hummingbird

/// Which address a link starts with, by where it will be read (issue 24: the SMS list said `http://localhost:18181`,
/// the address the admin's own browser used, and the tablet set-up page pointed tablets at themselves).
/// - On another device at the venue (set-up QR codes, PIN slips, cards): one of the laptop's LAN addresses, never
///   `localhost` or `127.0.0.1`.
/// - At home (SMS, reminder rounds): the event's `public_url`; without one, no link at all, since the laptop cannot be
///   reached from there, and the message says what works without it.
enum LinkBase {
    /// The LAN base (`http://192.168.1.20:8080`) for a page another device opens: the host the request came by when it
    /// is one of `addresses`, else the first of them; nil when the laptop has no LAN address.
    static func lan(_ request: Request, addresses: [String]) -> String? {
        let authority = request.head.authority ?? ""
        let (host, port) = split(authority)
        let chosen = addresses.contains(host) ? host : addresses.first
        return chosen.map { "http://\($0):\(port ?? 8080)" }
    }

    /// The event's public address without a trailing slash, when it has one that works from home.
    static func publicBase(_ event: EventConfig?) -> String? {
        guard let url = event?.publicUrl?.trimmed, !url.isEmpty, isPublic(url) else { return nil }
        return url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    /// An http(s) address whose host is not this machine.
    static func isPublic(_ url: String) -> Bool {
        guard url.count <= 200, let parsed = URL(string: url.trimmed), let scheme = parsed.scheme?.lowercased(),
            ["http", "https"].contains(scheme), let host = parsed.host?.lowercased(), !host.isEmpty
        else { return false }
        return host != "localhost" && !host.hasPrefix("127.") && host != "0.0.0.0" && host != "::1"
    }

    /// What an SMS says instead of a link when there is no public address (it stands where `{link}` stands in the
    /// reminder text, e.g. after "签到码：").
    static func noLinkText(code: String, phone: String) -> String {
        "\(code)（到场出示此码，或报手机尾号 \(phone.suffix(4))）"
    }

    /// Told to the admin (a response header) when messages go out without a link.
    static let noPublicURL =
        "未设置公网地址 public_url：短信里不放链接（客人在家打不开本机），改为签到码和手机尾号 / "
        + "No public_url is set: the messages carry the check-in code and phone digits instead of a link the guest could not open at home"

    static func split(_ authority: String) -> (String, Int?) {
        guard let colon = authority.lastIndex(of: ":"), !authority.hasPrefix("[") else { return (authority, nil) }
        return (String(authority[..<colon]), Int(authority[authority.index(after: colon)...]))
    }
}

extension Response {
    /// A note for the person who asked, beside a download (`X-Kiosk-Notice`, percent-encoded UTF-8).
    mutating func notice(_ text: String) {
        headers[HTTPField.Name("X-Kiosk-Notice")!] = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}
