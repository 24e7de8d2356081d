import Foundation
import Hummingbird

/// Setting a tablet up once before the event: the CA to download, a check that the tablet trusts it, and the
/// HTTPS door address, each also as a QR code the tablet's camera app can open.
struct DeviceSetupController {
    let db: AppDatabase
    let tls: TLSSetup?
    let httpPort: Int

    func register(on api: APIRouter) {
        api.get("/ca.crt", .everyone) { _, _ in
            guard let tls else { throw Self.httpsOff }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/x-x509-ca-cert", .cacheControl: "no-cache",
                    .contentDisposition: "attachment; filename=\"eventkiosk-ca.crt\"",
                ],
                body: .init(byteBuffer: ByteBuffer(string: tls.ca.pem)))
        }
        api.get("/api/device-setup", .everyone, setup)
        // Fetched by the setup page across origins (from http:// to https://): it only succeeds when the tablet
        // trusts the kiosk's CA, which is exactly what the check wants to know.
        api.get("/api/tls-check", .everyone) { _, context in
            var response = Response.json(["secure": tls != nil && context.localPort == tls?.httpsPort])
            response.headers[.accessControlAllowOrigin] = "*"
            return response
        }
        api.get("/setup/qr.svg", .everyone, qr)
    }

    struct SetupView: Encodable {
        let https: Bool
        let httpPort: Int
        let httpsPort: Int?
        let addresses: [String]
        let fingerprint: String?
        let caName: String?
        let devices: Int
        /// Whether this very request came over HTTPS.
        let secure: Bool
    }

    /// What the setup page shows: the addresses, ports and CA fingerprint, and how many devices already trust it.
    @Sendable func setup(_ request: Request, context: AppRequestContext) async throws -> Response {
        .json(
            SetupView(
                https: tls != nil, httpPort: httpPort, httpsPort: tls?.httpsPort, addresses: tls?.addresses ?? LocalAddresses.ipv4(),
                fingerprint: tls?.ca.fingerprint, caName: tls?.ca.name,
                devices: try await db.httpsDeviceCount(), secure: tls != nil && context.localPort == tls?.httpsPort))
    }

    /// `?to=ca|door|setup&host=<one of the laptop's addresses>` as a QR code; other hosts are refused, so this
    /// never becomes a QR code for somebody else's link.
    @Sendable func qr(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        // A set-up code is read by another device: only the laptop's LAN addresses, never itself (issue 24).
        let lan = tls?.addresses ?? LocalAddresses.ipv4()
        guard let host = query.get("host") ?? lan.first else {
            throw APIError(
                .conflict, "no_lan_address",
                "这台笔记本没有连上 Wi-Fi，平板找不到它；请先连上展厅 Wi-Fi / This laptop has no address on a network: join the showroom Wi-Fi first")
        }
        let allowed = lan
        guard allowed.contains(host) else {
            throw APIError(
                .unprocessableContent, "unknown_host",
                "不是本机地址 / \(host.prefix(40)) is not one of this laptop's addresses: \(allowed.joined(separator: ", "))")
        }
        let url: String
        switch query.get("to") ?? "" {
        case "ca": url = "http://\(host):\(httpPort)/ca.crt"
        case "setup": url = "http://\(host):\(httpPort)/setup.html"
        case "door":
            guard let tls else { throw Self.httpsOff }
            url = "https://\(host):\(tls.httpsPort)/door.html"
        default: throw APIError(.unprocessableContent, "unknown_target", "to 须为 ca、door 或 setup / to must be ca, door or setup")
        }
        let svg = try QRCode(url).svg(pixelSize: 240)
        return Response(
            status: .ok, headers: [.contentType: "image/svg+xml", .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(string: svg)))
    }

    static let httpsOff = APIError(.notFound, "https_off", "HTTPS 未开启（kiosk serve --https-port 0）/ HTTPS is off on this kiosk")
}
