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
        subcommands: [Serve.self],
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

    func run() async throws {
        var logger = Logger(label: "kiosk")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var config = AppConfig()
        config.host = host
        config.port = port
        config.dataDir = URL(fileURLWithPath: data)
        config.eventFile = URL(fileURLWithPath: event)
        config.kioskDir = URL(fileURLWithPath: kiosk)
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
