import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// nodes.conf on disk: read at start, replaced atomically (a temporary file
/// renamed over it, fsynced with its directory) on every change,
/// and locked for the life of the process so two nodes never share one.
final class ClusterConfigStore {
    let path: String
    private var lockDescriptor: Int32 = -1

    init(path: String) { self.path = path }

    deinit { if lockDescriptor >= 0 { close(lockDescriptor) } }

    /// clusterLockConfig: nil when locked, else redis-server's refusal.
    func lock() -> String? {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return "Can't open \(path) in order to acquire a lock: \(String(cString: strerror(errno)))" }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno == EWOULDBLOCK
                ? "Sorry, the cluster configuration file \(path) is already used by a different Redis Cluster node. Please make sure that different nodes use different cluster configuration files."
                : "Impossible to lock \(path): \(String(cString: strerror(errno)))"
            close(descriptor)
            return reason
        }
        if lockDescriptor >= 0 { close(lockDescriptor) }
        lockDescriptor = descriptor
        return nil
    }

    /// The file's text, or nil when it is missing or empty (a fresh node).
    func read() throws -> String? {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes `text` so a crash leaves either the old file or the new one.
    /// Returns an error text.
    func write(_ text: String) -> String? {
        if let failure = AtomicFile.write(Array(text.utf8), to: path) { return failure }
        // The lock was on the file the rename replaced: take it on the new one.
        return lock()
    }
}
