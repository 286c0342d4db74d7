import Foundation

/// The content-addressed folder next to the bank file that holds large source images:
/// `<bank>.sources/<first two hex digits>/<64 hex digits>`.
struct SourceFileStore: Sendable {
    let root: URL

    init(bankURL: URL) {
        root = URL(fileURLWithPath: bankURL.path + ".sources", isDirectory: true)
    }

    func url(for sha256: SHA256Digest) -> URL {
        let hex = sha256.hex
        return root.appendingPathComponent(String(hex.prefix(2)), isDirectory: true).appendingPathComponent(hex)
    }

    /// Writes the bytes unless an intact copy is there; temp file, fsync, rename, so a crash leaves
    /// either the whole file or none under the final name.
    func write(_ data: Data, sha256: SHA256Digest) throws(BankError) {
        let target = url(for: sha256)
        let fm = FileManager.default
        if let size = (try? fm.attributesOfItem(atPath: target.path))?[.size] as? Int, size == data.count { return }
        do {
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            let temp = target.deletingLastPathComponent().appendingPathComponent(".\(sha256.hex).\(UUID().uuidString).tmp")
            guard fm.createFile(atPath: temp.path, contents: nil) else {
                throw BankError.io("cannot create \(temp.path)")
            }
            let handle = try FileHandle(forWritingTo: temp)
            do {
                try handle.write(contentsOf: data)
                try handle.synchronize()
                try handle.close()
            } catch {
                try? handle.close()
                try? fm.removeItem(at: temp)
                throw error
            }
            if rename(temp.path, target.path) != 0 {
                let code = errno
                try? fm.removeItem(at: temp)
                throw BankError.io("cannot move source file into place at \(target.path): errno \(code)")
            }
        } catch let error as BankError {
            throw error
        } catch {
            throw BankError.io("writing source file \(target.path): \(error)")
        }
    }

    /// Reads and re-hashes a kept file; a missing or altered file is an error, never silently nil.
    func read(_ sha256: SHA256Digest) throws(BankError) -> Data {
        let target = url(for: sha256)
        guard let data = FileManager.default.contents(atPath: target.path) else {
            throw BankError.missingSourceFile(target.path)
        }
        guard SHA256Digest(hashing: data) == sha256 else {
            throw BankError.missingSourceFile("\(target.path) does not match its hash")
        }
        return data
    }

    /// Whether a kept file is present (and, when `rehash`, intact).
    func check(_ sha256: SHA256Digest, rehash: Bool) -> Bool {
        if rehash { return (try? read(sha256)) != nil }
        return FileManager.default.fileExists(atPath: url(for: sha256).path)
    }
}
