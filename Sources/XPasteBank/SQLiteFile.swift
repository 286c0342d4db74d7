import Foundation
import GRDB

/// How the small SQLite files beside the bank (job ledger, work queue) are opened: their folder
/// made when missing, WAL through a `DatabasePool`, full synchronous commits, and a busy timeout
/// so processes sharing the file wait for each other instead of failing.
enum SQLiteFile {
    /// The folder could not be made; the message names it.
    struct FolderError: Error {
        let message: String
    }

    /// Opens `url` (creating its folder); throws `FolderError` or GRDB's error.
    static func openPool(_ url: URL, label: String, busySeconds: Double) throws -> DatabasePool {
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw FolderError(message: "cannot create \(folder.path): \(error.localizedDescription)")
        }
        var config = Configuration()
        config.busyMode = .timeout(busySeconds)
        config.label = label
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        return try DatabasePool(path: url.path, configuration: config)
    }

    /// Stamps a new, empty file with `applicationId`; false when the file already holds another
    /// kind of database (so the caller refuses it instead of writing into it).
    static func claim(_ db: Database, applicationId: Int32) throws -> Bool {
        let id = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
        if id == 0 && tables == 0 {
            try db.execute(sql: "PRAGMA application_id = \(applicationId)")
            return true
        }
        return id == applicationId
    }
}
