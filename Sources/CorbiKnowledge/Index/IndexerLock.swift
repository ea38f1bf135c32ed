import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One indexing pass at a time per index file, across processes and threads: an exclusive
/// `flock` on a file beside the index, taken before the stat pass and held until the last
/// commit. Whoever comes second either waits and then finds the work done (`kb index`), or
/// does nothing and lets its search read what is committed (a refresh before a search).
///
/// `flock` belongs to the open file, not the process: each pass opens the file anew, so two
/// threads of one process exclude each other too. The kernel drops the lock of a process
/// that dies, so a killed indexer never leaves it held.
final class IndexerLock {
    private var fd: Int32
    /// Whether another pass held the lock when this one asked for it.
    let waited: Bool

    private init(fd: Int32, waited: Bool) {
        self.fd = fd
        self.waited = waited
    }

    /// The lock file of the index at `indexPath`.
    static func path(forIndex indexPath: String) -> String { indexPath + "-indexer.lock" }

    /// Takes the lock. When another pass holds it: with `wait`, calls `waiting` once and
    /// blocks until it is free; without, returns nil at once. Where the lock file cannot be
    /// created (a read-only folder) the pass goes on unlocked, as SQLite's own locking still
    /// keeps the index whole, and a pass that has to write fails there with its own error.
    static func acquire(indexPath: String, wait: Bool, waiting: () -> Void) throws -> IndexerLock? {
        let fd = open(path(forIndex: indexPath), O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            if [EACCES, EPERM, EROFS].contains(errno) { return IndexerLock(fd: -1, waited: false) }
            throw KnowledgeBaseError.indexUnwritable("cannot open \(path(forIndex: indexPath)): \(String(cString: strerror(errno)))")
        }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { return IndexerLock(fd: fd, waited: false) }
        let failure = errno
        guard failure == EWOULDBLOCK, wait else {
            close(fd)
            if failure == EWOULDBLOCK { return nil }
            throw KnowledgeBaseError.index("cannot lock \(path(forIndex: indexPath)): \(String(cString: strerror(failure)))")
        }
        waiting()
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let message = String(cString: strerror(errno))
                close(fd)
                throw KnowledgeBaseError.index("cannot lock \(path(forIndex: indexPath)): \(message)")
            }
        }
        return IndexerLock(fd: fd, waited: true)
    }

    /// Releases the lock (closing the only descriptor of the open file does). Call it
    /// explicitly: an object's lifetime may end before its scope does.
    func release() {
        if fd >= 0 { close(fd) }
        fd = -1
    }

    deinit { release() }
}
