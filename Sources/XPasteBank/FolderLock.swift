import Foundation

/// An exclusive advisory lock (`flock`) on a folder, held while a bank in it is created or
/// migrated. It serialises concurrent first opens across threads and processes (flock locks belong
/// to the open file description, so two opens in one process exclude each other too) without
/// leaving a lock file behind.
struct FolderLock {
    private var fd: Int32

    /// Blocks until the lock on `folder` is held; `BankError.io` naming the folder if it cannot be
    /// opened.
    init(folder: URL) throws(BankError) {
        let path = folder.path.isEmpty ? "." : folder.path
        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw BankError.io("cannot open the bank's folder \(path): \(String(cString: strerror(errno)))") }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let message = String(cString: strerror(errno))
                close(fd)
                throw BankError.io("cannot lock the bank's folder \(path): \(message)")
            }
        }
    }

    /// Releases the lock.
    mutating func unlock() {
        guard fd >= 0 else { return }
        _ = flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }
}
