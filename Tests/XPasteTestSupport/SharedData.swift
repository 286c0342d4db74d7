import Foundation

/// Locates the project's shared test data (`../shared/data` beside the checkout) and the
/// repository root, independent of the directory `swift test` was started from.
public enum SharedData {
    /// The repository root (the folder holding Package.swift).
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url
            }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// `../shared/data`, or `$XPASTE_SHARED_DATA` when set.
    public static let directory: URL = {
        if let env = ProcessInfo.processInfo.environment["XPASTE_SHARED_DATA"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
    }()

    /// A file under `shared/data/images`.
    public static func image(_ name: String) -> URL {
        directory.appendingPathComponent("images").appendingPathComponent(name)
    }

    /// The names of every shared photo.
    public static let imageNames = [
        "astronaut.png", "brick.png", "chelsea.png", "coffee.png", "gravel.png",
        "horse.png", "logo.png", "motorcycle_left.png", "rocket.jpg",
    ]
}
