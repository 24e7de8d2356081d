import Foundation
import KioskFormats
import Logging
import PostgresNIO

/// Where the service's PostgreSQL is: `postgres://USER[:PASSWORD]@HOST[:PORT]/DB` over TCP, or
/// `postgres:///DB?host=/socket/dir[&port=5432][&user=NAME]` over the Unix socket in that folder.
public enum PostgresURL {
    public static func configuration(_ text: String) throws -> PostgresClient.Configuration {
        guard let url = URLComponents(string: text), url.scheme == "postgres" || url.scheme == "postgresql" else {
            throw HQError.bad("--postgres：应为 postgres://USER@HOST:PORT/DB 或 postgres:///DB?host=/socket/dir / not a postgres URL: \(text)")
        }
        let query = Dictionary((url.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, b in b })
        let database = String(url.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw HQError.bad("--postgres：缺少数据库名 / the URL names no database: \(text)") }
        let user = url.user ?? query["user"] ?? "postgres"
        if let dir = query["host"], dir.hasPrefix("/") {
            let port = query["port"] ?? url.port.map(String.init) ?? "5432"
            return .init(unixSocketPath: dir + "/.s.PGSQL.\(port)", username: user, password: url.password, database: database)
        }
        guard let host = url.host, !host.isEmpty else { throw HQError.bad("--postgres：缺少主机 / the URL names no host: \(text)") }
        return .init(host: host, port: url.port ?? 5432, username: user, password: url.password, database: database, tls: .disable)
    }
}

/// All of the service's SQL, through postgres-nio's interpolated binds. The client is a ServiceLifecycle service that
/// runs beside the Application; migrations run before the server starts.
public struct HQStore: Sendable {
    public let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) { self.client = client; self.logger = logger }

    // MARK: - Migrations

    /// Applies every `Migrations/NNNN_name.sql` not yet applied, in order, each in its own transaction. Several
    /// processes may start at once: an advisory lock lets one apply while the others wait and then find them applied.
    public func migrate() async throws {
        let files = try Self.migrationFiles()
        try await client.withConnection { conn in
            _ = try await conn.query("SELECT pg_advisory_lock(7262001)", logger: logger)
            do {
                _ = try await conn.query(
                    "CREATE TABLE IF NOT EXISTS schema_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                    logger: logger)
                var applied = Set<String>()
                for try await name in try await conn.query("SELECT name FROM schema_migration", logger: logger).decode(String.self) {
                    applied.insert(name)
                }
                for (name, sql) in files where !applied.contains(name) {
                    _ = try await conn.query("BEGIN", logger: logger)
                    for statement in Self.statements(sql) { _ = try await conn.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
                    _ = try await conn.query("INSERT INTO schema_migration(name) VALUES (\(name))", logger: logger)
                    _ = try await conn.query("COMMIT", logger: logger)
                    logger.info("applied migration \(name)")
                }
            } catch {
                _ = try? await conn.query("ROLLBACK", logger: logger)
                _ = try? await conn.query("SELECT pg_advisory_unlock(7262001)", logger: logger)
                throw error
            }
            _ = try await conn.query("SELECT pg_advisory_unlock(7262001)", logger: logger)
        }
    }

    /// The migration files, by name (`0001_…sql` first).
    static func migrationFiles() throws -> [(String, String)] {
        guard let dir = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw HQError(.internalServerError, "no_migrations", "the Migrations folder is missing from the build")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".sql") }.sorted()
        return try names.map { name in
            guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") }) else {
                throw HQError(.internalServerError, "bad_migration", "migration file name \(name)")
            }
            return (String(name.dropLast(4)), try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8))
        }
    }

    /// A migration file's statements: each ends with `;` at the end of a line; `--` comments are dropped. (The extended
    /// protocol postgres-nio speaks takes one statement at a time.)
    static func statements(_ sql: String) -> [String] {
        let lines = sql.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            guard let r = line.range(of: "--") else { return line }
            return line[..<r.lowerBound]
        }
        var out: [String] = [], current = ""
        for line in lines {
            current += line + "\n"
            if line.trimmingCharacters(in: .whitespaces).hasSuffix(";") {
                let s = current.trimmingCharacters(in: .whitespacesAndNewlines)
                if s != ";" { out.append(String(s.dropLast())) }
                current = ""
            }
        }
        if !current.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { out.append(current) }
        return out
    }

    /// A transaction whose own errors come back as thrown (postgres-nio wraps them in `PostgresTransactionError`).
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { conn in try await body(conn) }
        } catch let e as PostgresTransactionError {
            throw e.closureError ?? e.beginError ?? e.commitError ?? e.rollbackError ?? e
        }
    }

    /// Whether PostgreSQL answers.
    public func ping() async -> Bool {
        (try? await client.query("SELECT 1", logger: logger).decode(Int.self).reduce(0, +)) == 1
    }

    static func isUniqueViolation(_ error: Error) -> Bool { (error as? PSQLError)?.serverInfo?[.sqlState] == "23505" }
}
