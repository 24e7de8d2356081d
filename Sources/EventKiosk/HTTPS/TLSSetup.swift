import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// What `kiosk serve` needs for its HTTPS listener: the CA, this start's server certificate, and the addresses in it.
public struct TLSSetup: Sendable {
    public let ca: KioskCA
    /// The laptop's IPv4 addresses on the venue network (loopback left out), as the certificate names them.
    public let addresses: [String]
    public let httpsPort: Int
    let issued: KioskCA.Issued

    /// Loads (or makes) the CA in the data folder and issues a certificate for `localhost`, `127.0.0.1` and every
    /// IPv4 address the laptop has now, so a tablet keeps working when the venue's router hands out a new address.
    public static func prepare(dataDir: URL, httpsPort: Int, extraAddresses: [String] = [], now: Date = Date()) throws -> TLSSetup {
        let ca = try KioskCA.loadOrCreate(dataDir: dataDir, now: now)
        let lan = LocalAddresses.ipv4()
        let all = ["127.0.0.1"] + (lan + extraAddresses).filter { $0 != "127.0.0.1" }
        let unique = all.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let issued = try ca.issueServerCertificate(dnsNames: ["localhost"], ipv4: unique, now: now)
        return TLSSetup(ca: ca, addresses: unique.filter { $0 != "127.0.0.1" }, httpsPort: httpsPort, issued: issued)
    }

    /// The server side of the handshake: this start's certificate, TLS 1.2 or later.
    public func serverConfiguration() throws -> TLSConfiguration {
        let cert = try NIOSSLCertificate(bytes: Array(issued.certificatePEM.utf8), format: .pem)
        let key = try NIOSSLPrivateKey(bytes: Array(issued.privateKeyPEM.utf8), format: .pem)
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: [.certificate(cert)], privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        return tls
    }
}

/// The laptop's own addresses, read from its network interfaces.
enum LocalAddresses {
    /// Every IPv4 address on an interface that is not loopback, in interface order.
    static func ipv4() -> [String] {
        let devices = (try? System.enumerateDevices()) ?? []
        var out: [String] = []
        for device in devices {
            guard case .v4 = device.address, let ip = device.address?.ipAddress, !ip.hasPrefix("127."), !out.contains(ip) else { continue }
            out.append(ip)
        }
        return out
    }
}
