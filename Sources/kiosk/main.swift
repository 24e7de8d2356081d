import ArgumentParser
import EventKiosk
import Foundation
import Hummingbird
import Logging

/// The `kiosk` command: runs the event-day server and its tools.
@main
struct Kiosk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk",
        abstract: "EventKiosk: run a dealer's event day from one laptop.",
        version: Install.version,
        subcommands: [
            Serve.self, Export.self, Backup.self, Restore.self, Enroll.self, VerifyDraw.self, VerifyAudit.self, BenchQR.self, BenchDecode.self,
        ],
        defaultSubcommand: Serve.self
    )
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the kiosk pages and API.")

    @Option(help: "Address to listen on.") var host = "0.0.0.0"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "HTTPS port, with the kiosk's own certificate authority (tablet cameras need HTTPS); 0 turns HTTPS off.")
    var httpsPort = 8443
    @Option(help: dataHelp) var data: String?
    @Option(help: "Event file, loaded at the first start only (default: the demo event next to the kiosk).") var event: String?
    @Option(help: "Folder of the kiosk pages (default: next to the kiosk binary).") var kiosk: String?
    @Option(help: "Log level (trace, debug, info, notice, warning, error).") var logLevel = "info"
    @Option(help: "A second folder (e.g. a USB stick) for automatic snapshots of the database.") var snapshotDir: String?
    @Option(help: "Minutes between automatic snapshots.") var snapshotEvery = 5
    @Option(help: "How many automatic snapshots to keep.") var snapshotKeep = 12
    @Option(help: "Seconds before an idle or stalled connection is closed (live streams are never idle).") var idleTimeout = 30
    @Option(help: "Live streams one device may hold open (raise it for a load test of many screens from one machine).")
    var streamsPerClient = 8
    @Option(help: "Live streams of all devices together.") var streamsTotal = 1_000

    func run() async throws {
        var logger = Logger(label: "kiosk")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var config = AppConfig()
        config.host = host
        config.port = port
        config.httpsPort = httpsPort
        config.dataDir = dataFolder(data)
        config.eventFile = event.map { URL(fileURLWithPath: $0) } ?? Install.demoEvent
        config.kioskDir = kiosk.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? Install.kioskDir
        config.assetsDir = Install.assetsDir
        config.idleTimeout = .seconds(max(1, idleTimeout))
        config.streamsPerClient = max(1, streamsPerClient)
        config.streamsTotal = max(1, streamsTotal)
        config.snapshotDir = snapshotDir.map { URL(fileURLWithPath: $0) }
        config.snapshotEvery = .seconds(60 * max(1, snapshotEvery))
        config.snapshotKeep = max(1, snapshotKeep)
        config.adminPIN = ProcessInfo.processInfo.environment["KIOSK_ADMIN_PIN"].flatMap { $0.isEmpty ? nil : $0 }
        do {
            try await runServer(config, logger: logger)
        } catch let error as EventFileError {
            FileHandle.standardError.write(Data("\(error)\n服务未启动 / The server did not start.\n".utf8))
            throw ExitCode(2)
        } catch let error as APIError {
            FileHandle.standardError.write(Data("\(error.message)\n服务未启动 / The server did not start.\n".utf8))
            throw ExitCode(2)
        } catch let error as DomainError {
            FileHandle.standardError.write(Data("\(error.message)\n服务未启动 / The server did not start.\n".utf8))
            throw ExitCode(2)
        }
    }
}

let dataHelp: ArgumentHelp = "Folder of the event's data (default: ./kiosk-data in a checkout, ~/.local/share/eventkiosk for an installed package)."

/// The data folder given, or the default for how the kiosk was installed.
func dataFolder(_ data: String?) -> URL { data.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? Install.defaultDataDir() }

/// Recomputes a draw or wheel record from its published fields.
struct VerifyDraw: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-draw",
        abstract: "Check a draw record (GET /api/draws/{id}) or wheel record (GET /api/wheel/record) saved as JSON.")

    @Argument(help: "The JSON file.") var file: String

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            FileHandle.standardError.write(Data("cannot read \(file)\n".utf8)); throw ExitCode(2)
        }
        let (ok, lines) = DrawVerifier.verify(fileData: data)
        for line in lines { print(line) }
        if !ok { throw ExitCode(1) }
    }
}

/// Walks the audit log's hash chain.
struct VerifyAudit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-audit", abstract: "Check the audit log's hash chain (works while the server runs).")

    @Option(help: dataHelp) var data: String?
    @Option(help: "A checkpoint note this kiosk signed (GET /api/audit/checkpoint): also check the log still holds what it signed.")
    var checkpoint: String?

    func run() async throws {
        let rows: [AuditLog.Row_]
        let db: AppDatabase
        do {
            db = try AppDatabase.openReadOnly(directory: dataFolder(data))
            rows = try await db.auditRows(limit: Int.max)
        } catch {
            FileHandle.standardError.write(Data("cannot open \(dataFolder(data).path): \(error)\n".utf8)); throw ExitCode(2)
        }
        var problems = AuditLog.verify(rows, from: try await db.auditBase(), jumps: try await db.auditJumps())
        if let checkpoint {
            problems += CheckpointCheck.problems(noteFile: checkpoint, rows: rows, key: db.identity.noteKey)
        }
        if problems.isEmpty {
            print("OK: \(rows.count) audit entries, hash chain intact\(rows.last.map { " (last hash \($0.hash))" } ?? "")")
            if checkpoint != nil { print("OK: the checkpoint's signature verifies and the log holds the entry it signed") }
        } else {
            for p in problems { print("MISMATCH: \(p)") }
            throw ExitCode(1)
        }
    }
}

/// Times QR rendering in-process, for `make bench` (no HTTP in the figure).
struct BenchQR: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-qr", abstract: "Render N invitation QR codes as PNG and as SVG and print the times.",
        shouldDisplay: false)

    @Option(help: "How many codes.") var count = 2000

    func run() throws {
        let codes = (0..<count).map { n in String(format: "%020d", n * 7_919).replacingOccurrences(of: "0", with: "A") }
        let clock = ContinuousClock()
        var bytes = 0
        let png = try clock.measure { for c in codes { bytes += try QRCode(c).png().count } }
        let svg = try clock.measure { for c in codes { bytes += try QRCode(c).svg().utf8.count } }
        func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }
        print("QRBENCH png_ms=\(ms(png)) svg_ms=\(ms(svg)) bytes=\(bytes)")
    }
}

/// Times QR decoding in-process, for `make bench`: one JSON line per image with the time and what was read.
struct BenchDecode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-decode", abstract: "Decode every JPEG/PNG in a folder and print the times.",
        shouldDisplay: false)

    @Option(help: "Folder of images.") var dir: String

    func run() throws {
        let folder = URL(fileURLWithPath: dir)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".jpg") || $0.hasSuffix(".png") }.sorted()
        let clock = ContinuousClock()
        for name in files {
            let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
            var outcome = QRDecoder.Outcome.notAnImage
            let took = clock.measure { outcome = QRDecoder.decode(image: bytes) }
            let texts: [String]
            if case .texts(let t) = outcome { texts = t } else { texts = [] }
            let ms = Double(took.components.seconds) * 1000 + Double(took.components.attoseconds) / 1e15
            let line = try JSONSerialization.data(withJSONObject: ["file": name, "ms": ms, "texts": texts])
            print(String(decoding: line, as: UTF8.self))
        }
    }
}

/// A copy of the database while the server keeps running (SQLite's online backup API).
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Copy the event's database to a folder (works while the server runs).")

    @Option(help: dataHelp) var data: String?
    @Option(help: "Folder to write the copy into (e.g. a USB stick).") var to: String

    func run() async throws {
        do {
            let db = try AppDatabase.openReadOnly(directory: dataFolder(data))
            let file = try db.backup(toFolder: URL(fileURLWithPath: to))
            print("OK: \(file.path)\n    \(try AppDatabase.checkBackup(file))")
        } catch {
            FileHandle.standardError.write(Data("备份失败 / Backup FAILED: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// Puts a backup back in place; the database it replaces is kept beside it.
struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Replace the event's database with a backup (stop the server first).")

    @Option(help: dataHelp) var data: String?
    @Option(help: "The backup file to restore.") var from: String
    @Flag(help: "Do it without asking.") var yes = false

    func run() async throws {
        let file = URL(fileURLWithPath: from)
        let summary: BackupSummary
        do { summary = try AppDatabase.checkBackup(file) } catch {
            FileHandle.standardError.write(Data("这不是可用的备份 / Not a usable backup: \(error)\n".utf8)); throw ExitCode(1)
        }
        print(
            """
            ⚠️  恢复会用备份替换 \(dataFolder(data).path) 中的活动数据。请先停止服务（Ctrl-C）。当前数据会保留为 kiosk.sqlite.before-restore-…
            ⚠️  Restoring replaces the event data (\(dataFolder(data).path)). Stop the server first (Ctrl-C).
                The current data is kept beside it as kiosk.sqlite.before-restore-…
            Backup: \(file.path)
                    \(summary)
            """)
        if !yes {
            print("Type RESTORE to go on: ", terminator: "")
            guard readLine()?.trimmingCharacters(in: .whitespaces) == "RESTORE" else { print("Nothing changed."); throw ExitCode(1) }
        }
        do {
            let aside = try AppDatabase.restore(from: file, dataDir: dataFolder(data))
            print("OK: restored.\(aside.map { " The previous data is kept as \($0.path)" } ?? "")")
            // The restored log against the checkpoints this kiosk signed (and perhaps sent) before: said now, and recorded.
            let db = try AppDatabase.open(directory: dataFolder(data))
            if let finding = try await db.checkRestoredLog() { print(finding.message) }
        } catch {
            FileHandle.standardError.write(Data("恢复失败 / Restore FAILED: \(error)\n".utf8)); throw ExitCode(1)
        }
    }
}

/// Registers the kiosk's key with the manufacturer's service (issue 25); works while the server runs, which then sends.
struct Enroll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Enrol this kiosk with the manufacturer's service (kiosk-hq).")

    @Option(help: dataHelp) var data: String?
    @Option(help: "The manufacturer's service, e.g. https://hq.example.com") var hq: String
    @Option(help: "The one-time enrolment code the manufacturer gave the dealer.") var code: String

    func run() async throws {
        do {
            let db = try AppDatabase.open(directory: dataFolder(data))
            let link = HQLink(db: db, transport: HTTPHQTransport())
            let enrolment = try await link.enroll(hqURL: hq, code: code)
            let sent = await link.flush()
            print("OK: enrolled as kiosk \(enrolment.kioskId) of dealer \(enrolment.dealerCode) at \(enrolment.hqUrl); \(sent) checkpoint(s) sent")
        } catch let error as DomainError {
            FileHandle.standardError.write(Data("登记失败 / Enrolment FAILED: \(error.message)\n".utf8)); throw ExitCode(1)
        } catch {
            FileHandle.standardError.write(Data("登记失败 / Enrolment FAILED: \(error)\n".utf8)); throw ExitCode(1)
        }
    }
}

/// The evidence pack: every table as CSV, the audit log, draw and wheel records with their verification, the day report.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write the evidence pack ZIP (works while the server runs).")

    @Option(help: dataHelp) var data: String?
    @Option(help: "The ZIP file to write.") var out: String
    @Option(name: .customLong("for"), help: "hq: the signed pack for the manufacturer (eventkiosk-pack/2) instead of the evidence pack.")
    var audience: String?

    func run() async throws {
        if let audience, audience != "hq" {
            FileHandle.standardError.write(Data("--for takes hq (the manufacturer's pack), not \(audience)\n".utf8)); throw ExitCode(2)
        }
        let key = SeedVault.folder(in: dataFolder(data)).appendingPathComponent("kiosk.key").path
        if audience == "hq" && !FileManager.default.fileExists(atPath: key) {
            FileHandle.standardError.write(Data("没有本机签名密钥 / No kiosk key at \(key): start the kiosk once first\n".utf8))
            throw ExitCode(1)
        }
        do {
            let db = try AppDatabase.openReadOnly(directory: dataFolder(data))
            let zip = audience == "hq" ? try await HQPack.build(db: db) : try await EvidencePack.build(db: db)
            try zip.write(to: URL(fileURLWithPath: out), options: .atomic)
            print("OK: \(out) (\(zip.count / 1024) kB)")
        } catch {
            FileHandle.standardError.write(Data("导出失败 / Export FAILED: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
