import Foundation
import Synchronization

/// What the kiosk keeps beside its key, outside the event's database, so that restoring an older backup cannot take it
/// back (issue 25): its enrolment with the manufacturer (`hq-link.json`) and every checkpoint it has signed
/// (`checkpoints.jsonl`, one JSON object per line, only ever appended). With no folder (tests, in-memory databases)
/// both live in memory.
public final class KioskKeep: Sendable {
    let folder: URL?
    private let memory = Mutex<(enrolment: HQEnrolment?, checkpoints: [KeptCheckpoint])>((nil, []))
    static let enrolmentFile = "hq-link.json"
    static let checkpointsFile = "checkpoints.jsonl"

    init(folder: URL?) { self.folder = folder }

    public func enrolment() -> HQEnrolment? {
        guard let folder else { return memory.withLock { $0.enrolment } }
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(Self.enrolmentFile).path) else { return nil }
        return try? JSON.decoder.decode(HQEnrolment.self, from: data)
    }

    func saveEnrolment(_ enrolment: HQEnrolment) throws {
        guard let folder else { return memory.withLock { $0.enrolment = enrolment } }
        let file = folder.appendingPathComponent(Self.enrolmentFile)
        try JSON.encoder.encode(enrolment).write(to: file, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
    }

    /// Every checkpoint kept, in the order signed. A line that cannot be read (a torn last write) is skipped.
    public func checkpoints() -> [KeptCheckpoint] {
        guard let folder else { return memory.withLock { $0.checkpoints } }
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(Self.checkpointsFile).path) else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).compactMap { try? JSON.decoder.decode(KeptCheckpoint.self, from: Data($0)) }
    }

    func keep(_ checkpoints: [KeptCheckpoint]) throws {
        guard !checkpoints.isEmpty else { return }
        guard let folder else { return memory.withLock { $0.checkpoints += checkpoints } }
        let file = folder.appendingPathComponent(Self.checkpointsFile)
        if !FileManager.default.fileExists(atPath: file.path) {
            FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        try handle.seekToEnd()
        var lines = Data()
        for c in checkpoints { lines += try JSON.encoder.encode(c) + Data("\n".utf8) }
        try handle.write(contentsOf: lines)
        try handle.synchronize()
    }
}

/// The kiosk's enrolment with the manufacturer's service (`kiosk enroll`, or 厂家上报 on the admin page).
public struct HQEnrolment: Codable, Sendable, Equatable {
    public var hqUrl: String
    public var dealerCode: String
    public var kioskId: String
    public var enrolledAt: String
}

/// A signed checkpoint as kept beside the key.
public struct KeptCheckpoint: Codable, Sendable, Equatable {
    public var n: Int64
    public var hash: String
    public var note: String
    /// The day's log id (`AppDatabase.logIdentity`): which day's log it is.
    public var log: String
}
