import Foundation
import Testing
import XPasteTestSupport
@testable import XPasteBank

/// Kills a real writer process (the built `xpaste` binary importing a large folder) with SIGKILL
/// in the middle of its batches and checks what is left.
@Suite struct BankCrashTests {
    /// The `xpaste` executable next to the test bundle in the build folder.
    static func xpasteBinary() -> URL? {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = dir.appendingPathComponent("xpaste")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir.deleteLastPathComponent()
        }
        return nil
    }

    @Test func killedImportLeavesWholeBatchesAndResumes() throws {
        let binary = try #require(Self.xpasteBinary(), "build the xpaste product (swift build --build-tests builds it)")
        let dir = try BankFixture.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = dir.appendingPathComponent("cutouts"), bankURL = dir.appendingPathComponent("bank.sqlite")
        let files = 2000, batch = 40
        try ReferencePython.run(script: "Tests/XPasteBankTests/Reference/make_cutout_folder.py", arguments: [folder.path, "\(files)", "32"])

        func importer() throws -> Process {
            let p = Process()
            p.executableURL = binary
            p.arguments = ["bank", "import", "--bank", bankURL.path, "--folder", folder.path, "--batch", "\(batch)", "--custom-vocabulary"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            return p
        }

        let writer = try importer()
        // Watch from this process (a WAL reader beside the writer) until several batches committed.
        var observed = 0
        let deadline = Date().addingTimeInterval(120)
        while observed < 4 * batch && Date() < deadline && writer.isRunning {
            Thread.sleep(forTimeInterval: 0.02)
            guard FileManager.default.fileExists(atPath: bankURL.path),
                  let watcher = try? SQLiteBank(url: bankURL, configuration: BankConfiguration(createIfMissing: false), logger: BankFixture.logger)
            else { continue }
            observed = (try? watcher.count(.all)) ?? 0
            try? watcher.close()
        }
        #expect(writer.isRunning, "the import finished before it could be killed; make the folder larger")
        kill(writer.processIdentifier, SIGKILL)
        writer.waitUntilExit()
        #expect(writer.terminationReason == .uncaughtSignal && writer.terminationStatus == SIGKILL)

        let bank = try SQLiteBank(url: bankURL, configuration: BankConfiguration(createIfMissing: false), logger: BankFixture.logger)
        let report = try bank.verify(full: true)
        #expect(report.integrity == ["ok"])
        #expect(report.isOK, "\(report)")
        let committed = try bank.count(.all)
        #expect(committed >= 4 * batch && committed < files)
        #expect(committed % batch == 0, "a batch was partly committed: \(committed) instances")
        // Every committed instance is complete: its source row, its cutout bytes matching their hash.
        var cursor: String?
        var seen = 0
        repeat {
            let page = try bank.browse(InstanceQuery(limit: 500, cursor: cursor))
            let cutouts = try bank.cutouts(of: page.instances.map(\.id))
            for (instance, cutout) in zip(page.instances, cutouts) {
                #expect(SHA256Digest(hashing: cutout.png) == instance.cutoutSHA256)
                #expect(try PNGBlob(cutout.png).isRGBA8)
                #expect(try bank.source(id: instance.sourceId) != nil)
            }
            seen += page.instances.count
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen == committed)
        #expect(try bank.stats().blobs == committed)
        try bank.close()

        // Running the import again finishes the job and skips what was committed.
        let rerun = try importer()
        rerun.waitUntilExit()
        #expect(rerun.terminationStatus == 0)
        let done = try SQLiteBank(url: bankURL, configuration: BankConfiguration(createIfMissing: false), logger: BankFixture.logger)
        #expect(try done.count(.all) == files)
        #expect(try done.verify(full: false).isOK)
        try done.close()
    }
}
