import Foundation

/// The manifest of a pack for the manufacturer (`eventkiosk-pack/2`, CONTRACT "Signed records"): who made it, the
/// event, the audit log's count and head, every file's SHA-256 and every checkpoint the kiosk signed. Written as
/// canonical JSON (sorted keys, no spaces), so the same day exported twice gives the same bytes but `created_at`.
public struct PackManifest: Codable, Equatable, Sendable {
    public struct Event: Codable, Equatable, Sendable {
        public var name: String; public var date: String; public var venue: String; public var dealer: String
        public init(name: String, date: String, venue: String, dealer: String) {
            self.name = name; self.date = date; self.venue = venue; self.dealer = dealer
        }
    }
    /// `count` is the number of the head entry. A day started after an earlier one on the same laptop (issue 24) carries
    /// on the kiosk's one chain: its log starts after entry `from.n`, which one of `checkpoints` signs.
    /// A day brought back after a later one goes on from that later day's head: `jumps`, each signed by a checkpoint.
    public struct Audit: Codable, Equatable, Sendable {
        public var count: Int64; public var head: String
        public var from: Start?
        public var jumps: [Jump]?
        public init(count: Int64, head: String, from: Start? = nil, jumps: [Jump]? = nil) {
            self.count = count; self.head = head; self.from = from; self.jumps = jumps
        }
    }
    /// After entry `after` the log goes on from entry `n` (hash `hash`) of the laptop's one chain.
    public struct Jump: Codable, Equatable, Sendable {
        public var after: Int64; public var n: Int64; public var hash: String
        public init(after: Int64, n: Int64, hash: String) { self.after = after; self.n = n; self.hash = hash }
    }
    /// Where a pack's log starts: after entry `n`, whose hash is `hash`.
    public struct Start: Codable, Equatable, Sendable {
        public var n: Int64; public var hash: String
        public init(n: Int64, hash: String) { self.n = n; self.hash = hash }
    }
    public static let format = "eventkiosk-pack/2"

    public var format: String
    public var kioskId: String
    public var publicKey: String
    public var dealerCode: String?
    public var event: Event
    public var createdAt: String
    public var closed: Bool
    public var audit: Audit
    public var files: [String: String]
    public var checkpoints: [String]

    enum CodingKeys: String, CodingKey {
        case format, kioskId = "kiosk_id", publicKey = "public_key", dealerCode = "dealer_code", event
        case createdAt = "created_at", closed, audit, files, checkpoints
    }

    public init(
        kioskId: String, publicKey: Data, dealerCode: String?, event: Event, createdAt: String, closed: Bool, audit: Audit,
        files: [String: Data], checkpoints: [String]
    ) {
        format = Self.format; self.kioskId = kioskId; self.publicKey = publicKey.base64EncodedString(); self.dealerCode = dealerCode
        self.event = event; self.createdAt = createdAt; self.closed = closed; self.audit = audit
        self.files = files.mapValues(sha256Hex); self.checkpoints = checkpoints
    }

    /// The canonical bytes: sorted keys, no spaces, `/` unescaped; `dealer_code` present (null) even when unknown.
    public func canonical() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try e.encode(self)
        if dealerCode == nil, var text = String(data: data, encoding: .utf8), !text.contains("\"dealer_code\"") {
            text.insert(contentsOf: "\"dealer_code\":null,", at: text.range(of: "\"event\"")!.lowerBound)
            data = Data(text.utf8)
        }
        return data
    }

    /// `manifest.json` (canonical) and `manifest.sig`: the pack note `signer` signs over it, dated `time`.
    public func seal(time: String, signer: NoteSigner) throws -> (manifest: Data, signature: Data) {
        let data = try canonical()
        let statement = PackStatement(origin: signer.key.name, manifestSha256: sha256Hex(data), time: time)
        return (data, Data(try SignedNote.sign(statement.text, with: signer).utf8))
    }

    /// Every file of `files` against its hash in the manifest: each one missing, extra or changed is named.
    public func fileProblems(_ files: [String: Data]) -> [String] {
        var problems: [String] = []
        for name in self.files.keys.sorted() {
            guard let data = files[name] else { problems.append("\(name): listed in the manifest but not in the pack"); continue }
            if sha256Hex(data) != self.files[name] { problems.append("\(name): its SHA-256 is not the manifest's") }
        }
        for name in files.keys.sorted() where self.files[name] == nil && name != "manifest.json" && name != "manifest.sig" {
            problems.append("\(name): in the pack but not in the manifest")
        }
        return problems
    }
}

/// The text a pack's note signs: `eventkiosk/<kiosk_id>` / `pack` / `<SHA-256 of manifest.json>` / `<time>`.
public struct PackStatement: Equatable, Sendable {
    public let origin: String
    public let manifestSha256: String
    public let time: String

    public init(origin: String, manifestSha256: String, time: String) {
        self.origin = origin; self.manifestSha256 = manifestSha256; self.time = time
    }

    public var text: String { "\(origin)\npack\n\(manifestSha256)\n\(time)\n" }

    public init?(text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 5, lines[4].isEmpty, lines[0].hasPrefix("eventkiosk/"), lines[1] == "pack", lines[2].count == 64,
            lines[2].allSatisfy({ $0.isHexDigit && !$0.isUppercase }), !lines[3].isEmpty
        else { return nil }
        self.init(origin: String(lines[0]), manifestSha256: String(lines[2]), time: String(lines[3]))
    }
}
