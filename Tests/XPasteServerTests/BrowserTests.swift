import Foundation
import Testing
import XPasteInference
import XPasteTestSupport

/// The bank browser (web/) in headless Chromium against the real binary with a seeded bank:
/// paging, filters in the URL, the detail view and keyboard curation, bulk actions and undo, a job
/// with live progress, the dataset preview and the accessibility basics, each checked on the DOM and
/// on the API (Reference/browser_test.py). Writes docs/screenshots/*.png, which the README shows.
@Suite("Bank browser", .serialized)
struct BrowserTests {
    static var binary: URL { SharedData.repositoryRoot.appendingPathComponent(".build/debug/xpaste") }
    static var chromeAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary.path) && chromeAvailable))
    func browseCurateComposeInTheBrowser() throws {
        let models = FileManager.default.temporaryDirectory.appendingPathComponent("xpaste-browser-models-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: models) }
        try ServerFixture.installTinyCLIP(ModelsDirectory(root: models))
        let out = try ReferencePython.run(
            script: "Tests/XPasteServerTests/Reference/browser_test.py",
            arguments: [Self.binary.path, SharedData.directory.appendingPathComponent("images").path,
                        models.appendingPathComponent("clip-tiny").path,
                        SharedData.repositoryRoot.appendingPathComponent("docs/screenshots").path])
        let line = try #require(String(decoding: out, as: UTF8.self).split(separator: "\n").last)
        let result = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect((result["paging"] as? Int ?? 0) >= 12)
        #expect((result["filter"] as? Int ?? 0) > 0)
        #expect(result["keyboard"] as? String == "ok")
        #expect(result["bulk"] as? String == "ok")
        #expect(((result["job"] as? [String: Any])?["progress_events"] as? Int ?? 0) > 0)
        #expect(((result["dataset"] as? [String: Any])?["annotations"] as? Int ?? 0) > 0)
        #expect(result["a11y"] as? String == "ok")
    }
}
