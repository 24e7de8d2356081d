import Crypto
import Foundation
import SwiftASN1
import X509

/// The kiosk's own certificate authority: made once at the first start and kept in the data folder, so a tablet
/// that trusted it before the event keeps trusting the laptop, whatever address the venue's Wi-Fi hands out.
/// Every start issues a fresh server certificate for the laptop's current addresses.
public struct KioskCA: Sendable {
    public let certificate: Certificate
    let privateKey: Certificate.PrivateKey

    /// Where the CA lives: `<data>/tls/`, readable by the owner only. The key never leaves this folder.
    public static func folder(in dataDir: URL) -> URL { dataDir.appendingPathComponent("tls", isDirectory: true) }
    static let certFile = "kiosk-ca.crt"
    static let keyFile = "kiosk-ca.key"

    /// The CA certificate as PEM: what `/ca.crt` serves and a tablet installs.
    public var pem: String { (try? certificate.serializeAsPEM().pemString) ?? "" }

    /// The CA's common name, as a tablet lists it among its installed profiles and certificates.
    public var name: String {
        certificate.subject.flatMap { $0 }.first { $0.type == .RDNAttributeType.commonName }.map { "\($0.value)" } ?? "\(certificate.subject)"
    }

    /// SHA-256 of the CA certificate (DER), shown on the setup page so staff can compare it with the tablet's.
    public var fingerprint: String {
        var serializer = DER.Serializer()
        guard (try? serializer.serialize(certificate)) != nil else { return "" }
        return SHA256.hash(data: serializer.serializedBytes).map { String(format: "%02X", $0) }.joined(separator: ":")
    }

    // MARK: - Making and loading

    /// Loads the CA from the data folder, or makes one there when there is none.
    public static func loadOrCreate(dataDir: URL, now: Date = Date()) throws -> KioskCA {
        let dir = folder(in: dataDir)
        let certURL = dir.appendingPathComponent(certFile), keyURL = dir.appendingPathComponent(keyFile)
        let fm = FileManager.default
        if fm.fileExists(atPath: certURL.path), fm.fileExists(atPath: keyURL.path) {
            let cert = try Certificate(pemEncoded: String(decoding: try Data(contentsOf: certURL), as: UTF8.self))
            let key = try Certificate.PrivateKey(pemEncoded: String(decoding: try Data(contentsOf: keyURL), as: UTF8.self))
            guard cert.publicKey == key.publicKey else { throw TLSSetupError("\(keyURL.path) does not belong to \(certURL.path)") }
            return KioskCA(certificate: cert, privateKey: key)
        }
        let ca = try create(now: now)
        try fm.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try Data(try ca.privateKey.serializeAsPEM().pemString.utf8).write(to: keyURL, options: .atomic)
        try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyURL.path)
        try Data(ca.pem.utf8).write(to: certURL, options: .atomic)
        return ca
    }

    /// A new CA: P-256, valid ten years, for signing server certificates only (path length 0).
    static func create(now: Date) throws -> KioskCA {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let name = try DistinguishedName {
            CommonName("EventKiosk 本地证书 Local CA \(String(format: "%04X", UInt16.random(in: 0...UInt16.max)))")
            OrganizationName("EventKiosk")
        }
        let cert = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: now.addingTimeInterval(-86_400), notValidAfter: now.addingTimeInterval(10 * 365 * 86_400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: key.publicKey)
            },
            issuerPrivateKey: key)
        return KioskCA(certificate: cert, privateKey: key)
    }

    // MARK: - Server certificates

    /// A server certificate and its new key, both PEM.
    public struct Issued: Sendable {
        public let certificatePEM: String
        public let privateKeyPEM: String
        public let certificate: Certificate
    }

    /// A server certificate for these host names and IPv4 addresses, within Apple's rules for trusted
    /// server certificates (names in subjectAltName, EKU serverAuth, at most 825 days, SHA-256).
    public func issueServerCertificate(dnsNames: [String], ipv4: [String], now: Date = Date()) throws -> Issued {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        var names: [GeneralName] = dnsNames.map { .dnsName($0) }
        for ip in ipv4 {
            guard let bytes = IPv4.bytes(ip) else { throw TLSSetupError("not an IPv4 address: \(ip)") }
            names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes))))
        }
        let subject = try DistinguishedName {
            CommonName(ipv4.first(where: { $0 != "127.0.0.1" }) ?? dnsNames.first ?? "localhost")
            OrganizationName("EventKiosk")
        }
        let caKeyID = try certificate.extensions.subjectKeyIdentifier?.keyIdentifier
        let cert = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: now.addingTimeInterval(-86_400), notValidAfter: now.addingTimeInterval(800 * 86_400),
            issuer: certificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
                SubjectKeyIdentifier(hash: key.publicKey)
                AuthorityKeyIdentifier(keyIdentifier: caKeyID)
            },
            issuerPrivateKey: privateKey)
        return Issued(
            certificatePEM: try cert.serializeAsPEM().pemString, privateKeyPEM: try key.serializeAsPEM().pemString,
            certificate: cert)
    }
}

/// The CA or the server certificate could not be made or loaded; `kiosk serve` says so and serves HTTP only.
public struct TLSSetupError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Dotted IPv4 text to its four bytes.
enum IPv4 {
    static func bytes(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let bytes = parts.compactMap { UInt8($0) }
        return bytes.count == 4 ? bytes : nil
    }
}
