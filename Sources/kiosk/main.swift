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
        subcommands: [Serve.self, VerifyDraw.self, VerifyAudit.self, BenchQR.self],
        defaultSubcommand: Serve.self
    )
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the kiosk pages and API.")

    @Option(help: "Address to listen on.") var host = "0.0.0.0"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "Folder for the event's SQLite file.") var data = "kiosk-data"
    @Option(help: "Event file, loaded at the first start only.") var event = "Assets/demo-event.json"
    @Option(help: "Folder of the kiosk pages.") var kiosk = "Kiosk"
    @Option(help: "Log level (trace, debug, info, notice, warning, error).") var logLevel = "info"
    @Option(help: "Seconds before an idle or stalled connection is closed (live streams are never idle).") var idleTimeout = 30

    func run() async throws {
        var logger = Logger(label: "kiosk")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var config = AppConfig()
        config.host = host
        config.port = port
        config.dataDir = URL(fileURLWithPath: data)
        config.eventFile = URL(fileURLWithPath: event)
        config.kioskDir = URL(fileURLWithPath: kiosk)
        config.idleTimeout = .seconds(max(1, idleTimeout))
        config.adminPIN = ProcessInfo.processInfo.environment["KIOSK_ADMIN_PIN"].flatMap { $0.isEmpty ? nil : $0 }
        do {
            try await runServer(config, logger: logger)
        } catch let error as EventFileError {
            FileHandle.standardError.write(Data("\(error)\n服务未启动 / The server did not start.\n".utf8))
            throw ExitCode(2)
        } catch let error as APIError {
            FileHandle.standardError.write(Data("\(error.message)\n服务未启动 / The server did not start.\n".utf8))
            throw ExitCode(2)
        }
    }
}

/// Recomputes a draw or wheel record from its published fields.
struct VerifyDraw: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify-draw",
        abstract: "Check a draw record (GET /api/draws/{id}) or wheel record (GET /api/wheel/record) saved as JSON.")

    @Argument(help: "The JSON file.") var file: String

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            FileHandle.standardError.write(Data("cannot read \(file)\n".utf8)); throw ExitCode(2)
        }
        let (ok, lines) = DrawVerifier.verify(fileData: data)
        for line in lines { print(ok ? line : "MISMATCH: \(line)") }
        if !ok { throw ExitCode(1) }
    }
}

/// Walks the audit log's hash chain.
struct VerifyAudit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify-audit", abstract: "Check the audit log's hash chain (works while the server runs).")

    @Option(help: "Folder of the event's SQLite file.") var data = "kiosk-data"

    func run() async throws {
        let rows: [AuditLog.Row_]
        do { rows = try await AppDatabase.openReadOnly(directory: URL(fileURLWithPath: data)).auditRows() } catch {
            FileHandle.standardError.write(Data("cannot open \(data): \(error)\n".utf8)); throw ExitCode(2)
        }
        let problems = AuditLog.verify(rows)
        if problems.isEmpty {
            print("OK: \(rows.count) audit entries, hash chain intact\(rows.last.map { " (last hash \($0.hash))" } ?? "")")
        } else {
            for p in problems { print("MISMATCH: \(p)") }
            throw ExitCode(1)
        }
    }
}

/// Times QR rendering in-process, for `make bench` (no HTTP in the figure).
struct BenchQR: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-qr", abstract: "Render N invitation QR codes as PNG and as SVG and print the times.",
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
