import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file replaced so that a crash leaves either the old one or the new one:
/// a temporary file beside it, fsynced, renamed over it, and the directory
/// fsynced so the rename itself survives.
enum AtomicFile {
    /// nil, or why it failed (errno's text); the old file is then untouched.
    static func write(_ bytes: [UInt8], to path: String) -> String? {
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        func fail() -> String {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            unlink(temporary)
            return reason
        }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return fail()
            }
            written += count
        }
        if fsync(descriptor) != 0 { return fail() }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            return reason
        }
        let directory = (path as NSString).deletingLastPathComponent
        let directoryDescriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
        return nil
    }
}
