import Foundation

/// Where the kiosk is installed and where its day is kept, worked out from the running binary, so it works from any
/// working directory: in a checkout (`.build/debug/kiosk`), from the tarball (`eventkiosk-…/bin/kiosk`) and from the
/// Debian package (`/opt/eventkiosk/bin/kiosk`, on the PATH as `/usr/bin/kiosk`).
public enum Install {
    /// The folder that holds `Kiosk/` (the pages), `Assets/` and `VERSION`.
    public static let root: URL? = findRoot()

    /// The version, from the one `VERSION` file (the checkout's, or the copy the package carries).
    public static let version: String = {
        guard let root, let text = try? String(contentsOf: root.appendingPathComponent("VERSION"), encoding: .utf8) else { return "dev" }
        let v = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return v.isEmpty ? "dev" : v
    }()

    /// A release package (tarball or .deb) carries a `PACKAGED` file beside `VERSION`; a checkout does not.
    public static let isPackaged: Bool = root.map { FileManager.default.fileExists(atPath: $0.appendingPathComponent("PACKAGED").path) } ?? false

    public static var kioskDir: URL { (root ?? cwd).appendingPathComponent("Kiosk", isDirectory: true) }
    public static var assetsDir: URL { (root ?? cwd).appendingPathComponent("Assets", isDirectory: true) }
    public static var demoEvent: URL { assetsDir.appendingPathComponent("demo-event.json") }

    /// The day's data: the user's data directory for a package (the install itself is read-only and an upgrade
    /// replaces it), `./kiosk-data` in a checkout (where `make run` keeps it).
    public static func defaultDataDir(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        guard isPackaged else { return cwd.appendingPathComponent("kiosk-data", isDirectory: true) }
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("eventkiosk", isDirectory: true)
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".local/share/eventkiosk", isDirectory: true)
    }

    static var cwd: URL { URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true) }

    /// The binary's own folder (links followed), then up to four folders above it, then the working directory.
    static func findRoot() -> URL? {
        let exe =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")).map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<5 {
            if looksLikeRoot(dir) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        return looksLikeRoot(cwd) ? cwd : nil
    }

    static func looksLikeRoot(_ dir: URL) -> Bool {
        FileManager.default.fileExists(atPath: dir.appendingPathComponent("Kiosk/index.html").path)
            && FileManager.default.fileExists(atPath: dir.appendingPathComponent("Assets").path)
    }
}
