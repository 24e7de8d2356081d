import Foundation
import Hummingbird
import HummingbirdTesting
import SwiftASN1
import Testing
import X509

@testable import EventKiosk

/// The kiosk's own CA: made once and kept, a server certificate that a tablet trusting the CA accepts for the
/// laptop's addresses, and the CA served at `/ca.crt` without its key.
@Suite struct KioskCATests {
    func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-ca-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func theCAIsMadeOnceKeptWithItsKeyForTheOwnerOnlyAndLoadedAgain() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try KioskCA.loadOrCreate(dataDir: dir)
        let again = try KioskCA.loadOrCreate(dataDir: dir)
        #expect(first.fingerprint == again.fingerprint && !first.fingerprint.isEmpty)
        let key = KioskCA.folder(in: dir).appendingPathComponent("kiosk-ca.key")
        let mode = try FileManager.default.attributesOfItem(atPath: key.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(first.pem.hasPrefix("-----BEGIN CERTIFICATE-----") && !first.pem.contains("PRIVATE KEY"))
        #expect(try first.certificate.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
    }

    @Test func theServerCertificateVerifiesAgainstTheCAForEachAddressAndNoOther() async throws {
        let ca = try KioskCA.create(now: Date())
        let issued = try ca.issueServerCertificate(dnsNames: ["localhost"], ipv4: ["127.0.0.1", "192.168.31.20"])
        let leaf = issued.certificate
        #expect(try leaf.extensions.extendedKeyUsage?.contains(.serverAuth) == true)
        #expect(leaf.notValidAfter.timeIntervalSince(leaf.notValidBefore) <= 825 * 86_400, "Apple's limit for trusted server certificates")
        for (host, ok) in [("127.0.0.1", true), ("192.168.31.20", true), ("localhost", true), ("192.168.31.21", false)] {
            var verifier = Verifier(rootCertificates: CertificateStore([ca.certificate])) {
                RFC5280Policy(validationTime: Date())
                ServerIdentityPolicy(
                    serverHostname: host.first?.isNumber == true ? nil : host,
                    serverIP: host.first?.isNumber == true ? host : nil)
            }
            let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore())
            if case .validCertificate = result { #expect(ok, "\(host) must not verify") } else { #expect(!ok, "\(host) should verify: \(result)") }
        }
        let stranger = try KioskCA.create(now: Date())
        var verifier = Verifier(rootCertificates: CertificateStore([stranger.certificate])) { RFC5280Policy(validationTime: Date()) }
        if case .validCertificate = await verifier.validate(leaf: leaf, intermediates: CertificateStore()) {
            Issue.record("another kiosk's CA must not vouch for this certificate")
        }
    }

    @Test func caCrtIsServedAsPEMWithoutTheKeyAndTheSetupPageKnowsTheAddresses() async throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tls = try TLSSetup.prepare(dataDir: dir, httpsPort: 8443, extraAddresses: ["192.168.31.20"])
        let t = try await TestApp(tls: tls)
        try await t.test { client in
            try await client.execute(uri: "/ca.crt", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "application/x-x509-ca-cert")
                let pem = String(buffer: r.body)
                #expect(pem == tls.ca.pem && !pem.contains("PRIVATE"))
            }
            try await client.execute(uri: "/api/device-setup", method: .get) { r in
                let body = String(buffer: r.body)
                #expect(body.contains("192.168.31.20") && body.contains(#""https_port":8443"#))
            }
            try await client.execute(uri: "/setup/qr.svg?to=door&host=192.168.31.20", method: .get) { r in
                #expect(r.status == .ok && String(buffer: r.body).hasPrefix("<svg"))
            }
            // Another device reads these codes: evil.example, and the laptop's names for itself, are refused (issue 24).
            for host in ["evil.example", "127.0.0.1", "localhost"] {
                try await client.execute(uri: "/setup/qr.svg?to=door&host=\(host)", method: .get) { r in
                    #expect(r.status == .unprocessableContent, "\(host)")
                }
            }
            try await client.execute(uri: "/api/tls-check", method: .get) { r in
                #expect(r.headers[.accessControlAllowOrigin] == "*")
                #expect(String(buffer: r.body).contains("false"), "an in-process request did not come over HTTPS")
            }
        }
        let off = try await TestApp()
        try await off.test { client in
            try await client.execute(uri: "/ca.crt", method: .get) { r in #expect(r.status == .notFound && errorCode(r) == "https_off") }
        }
    }
}
