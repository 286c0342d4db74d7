import Foundation

/// The `xpaste` executable the build put next to the test bundle, for tests that drive real
/// processes (kill them, restart what they talk to).
public enum XPasteBinary {
    /// Its location, or nil when the product was not built (`swift build --build-tests` builds it).
    public static var url: URL? {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = dir.appendingPathComponent("xpaste")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir.deleteLastPathComponent()
        }
        return nil
    }
}
