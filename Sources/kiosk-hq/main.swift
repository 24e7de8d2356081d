import ArgumentParser
import Foundation
import Hummingbird
import KioskHQ
import Logging

/// The manufacturer's service: `kiosk-hq serve --postgres URL`.
@main
struct KioskHQCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk-hq", abstract: "The manufacturer's service for the 车主回娘家 campaign (PostgreSQL).", subcommands: [Serve.self])
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the API and the HQ pages; applies the migrations at start.")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8090
    @Option(help: "postgres://USER@HOST:PORT/DB or postgres:///DB?host=/socket/dir") var postgres: String
    @Option(help: "The campaign file.") var campaign = "Assets/hq-campaign.json"
    @Option(help: "The pages folder (the HQ pages are its hq/).") var pages = "Kiosk"
    @Flag(help: "Fill an empty database with the demo campaign.") var demo = false
    @Option(help: "Seconds a call may be held without an answer before it goes back to the queue.") var callHold = 600

    func run() async throws {
        var logger = Logger(label: "kiosk-hq")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        var config: HQConfig
        do {
            config = HQConfig(postgres: try PostgresURL.configuration(postgres), campaignFile: URL(fileURLWithPath: campaign))
        } catch let e as HQError {
            throw ValidationError(e.message)
        }
        config.host = host
        config.port = port
        config.pagesDir = URL(fileURLWithPath: pages)
        config.callHoldSeconds = callHold
        config.demo = demo
        config.adminPassword = ProcessInfo.processInfo.environment["HQ_ADMIN_PASSWORD"]
        let app = try buildHQApplication(config, logger: logger)
        try await app.runService()
    }
}
