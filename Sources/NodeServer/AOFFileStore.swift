import Foundation
import NIOCore
import NIOPosix
import NodeEngine
#if canImport(Glibc)
import Glibc
#endif

/// The AOF's files: `appenddirname` (relative to `dir`, the working
/// directory) with the manifest, base and incr files; the incr file being
/// appended to (its descriptor); base files written under a temporary name
/// in the working directory by the file pool's thread. fsyncs the engine
/// asks for in the background, closes of replaced incr files and deletions
/// run in order on one serial queue, as redis-server's bio threads run them.
final class AOFFileStore: AppendOnlyStore, @unchecked Sendable {
    private let directory: String
    private let fileName: String
    private let loop: any EventLoop
    private let pool: NIOThreadPool
    /// Called when the engine's buffer gets bytes (schedules beforeSleep).
    private let onData: () -> Void
    private let background = DispatchQueue(label: "rcluster.aof-bio")
    /// The incr file appended to, and the one opened to replace it.
    private var descriptor: Int32 = -1
    private var opened: Int32 = -1
    private let lock = NSLock()
    private var pending = 0
    private var syncFailure: String?

    init(directory: String, fileName: String, loop: any EventLoop, pool: NIOThreadPool, onData: @escaping () -> Void) {
        self.directory = directory
        self.fileName = fileName
        self.loop = loop
        self.pool = pool
        self.onData = onData
    }

    private func path(_ name: String) -> String { directory + "/" + name }
    private static var reason: String { String(cString: strerror(errno)) }

    private static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    private static func isFile(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
    }

    func directoryExists() -> Bool { Self.isDirectory(directory) }

    func createDirectory() -> String? {
        guard mkdir(directory, 0o755) != 0 else { return nil }
        if errno != EEXIST { return Self.reason }
        return Self.isDirectory(directory) ? nil : String(cString: strerror(ENOTDIR))
    }

    func fileExists(_ name: String) -> Bool { Self.isFile(path(name)) }

    func size(_ name: String) -> (size: Int64?, failure: String?, missing: Bool) {
        var status = stat()
        guard stat(path(name), &status) == 0 else { return (nil, Self.reason, errno == ENOENT) }
        return (Int64(status.st_size), nil, false)
    }

    func read(_ name: String) throws -> [UInt8]? {
        try Self.readFile(path(name))
    }

    static func readFile(_ path: String) throws -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 && errno == ENOENT { return nil }
        guard descriptor >= 0 else { throw NodeServerError(reason) }
        defer { close(descriptor) }
        var status = stat()
        var bytes: [UInt8] = []
        if fstat(descriptor, &status) == 0 { bytes.reserveCapacity(Int(status.st_size)) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw NodeServerError(reason) }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }

    func truncate(_ name: String, to length: Int64) -> String? {
        Glibc.truncate(path(name), off_t(length)) == 0 ? nil : Self.reason
    }

    /// writeAofManifestFile, with its log lines.
    func writeManifest(_ text: String) -> String? {
        let name = AOFManifest.manifestName(fileName)
        let temporaryName = AOFManifest.temporaryManifestName(fileName)
        let temporary = path(temporaryName)
        let descriptor = open(temporary, O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return "Can't open the AOF manifest file \(temporaryName): \(Self.reason)" }
        defer { close(descriptor) }
        if Array(text.utf8).withUnsafeBytes({ Self.writeAll(descriptor, $0) }).failure != nil {
            return "Error trying to write the temporary AOF manifest file \(temporaryName): \(Self.reason)"
        }
        if fdatasync(descriptor) != 0 { return "Fail to fsync the temp AOF file \(temporaryName): \(Self.reason)." }
        if Glibc.rename(temporary, path(name)) != 0 {
            return "Error trying to rename the temporary AOF manifest file \(temporaryName) into \(name): \(Self.reason)"
        }
        if Self.syncDirectory(directory) != 0 { return "Fail to fsync AOF directory \(path(name)): \(Self.reason)." }
        return nil
    }

    private static func syncDirectory(_ directory: String) -> Int32 {
        let descriptor = open(directory, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return -1 }
        defer { close(descriptor) }
        return fsync(descriptor)
    }

    /// Writes every byte, retrying short writes and EINTR: the count written, and why it stopped short.
    private static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> (written: Int, failure: String?) {
        var written = 0
        while written < bytes.count {
            let count = Glibc.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
            if count < 0 {
                if errno == EINTR { continue }
                return (written, reason)
            }
            written += count
        }
        return (written, nil)
    }

    func legacyFileExists() -> Bool { Self.isFile(fileName) }

    func moveLegacyFileIntoDirectory() -> String? {
        Glibc.rename(fileName, path(fileName)) == 0 ? nil : Self.reason
    }

    func openAppendFile(_ name: String, truncating: Bool) -> String? {
        let descriptor = open(path(name), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | (truncating ? O_TRUNC : 0), 0o644)
        guard descriptor >= 0 else { return Self.reason }
        opened = descriptor
        return nil
    }

    func commitAppendFile() {
        let old = descriptor
        descriptor = opened
        opened = -1
        // aof_background_fsync_and_close: after any fsync queued for it.
        if old >= 0 { background.async { fdatasync(old); close(old) } }
    }

    func abandonAppendFile() {
        if opened >= 0 { close(opened) }
        opened = -1
    }

    func closeAppendFile() {
        let old = descriptor
        descriptor = -1
        if old >= 0 { background.async { close(old) } }
    }

    func append(_ bytes: UnsafeRawBufferPointer) -> (written: Int, failure: String?) {
        guard descriptor >= 0 else { return (0, String(cString: strerror(EBADF))) }
        return Self.writeAll(descriptor, bytes)
    }

    func truncateAppendFile(to length: Int64) -> String? {
        ftruncate(descriptor, off_t(length)) == 0 ? nil : Self.reason
    }

    func sync() -> String? {
        guard descriptor >= 0 else { return nil }
        return fdatasync(descriptor) == 0 ? nil : Self.reason
    }

    func syncInBackground() {
        let target = descriptor
        guard target >= 0 else { return }
        lock.withLock { pending += 1 }
        background.async { [self] in
            let failed = fdatasync(target) != 0 && errno != EBADF && errno != EINVAL
            let reason = failed ? Self.reason : nil
            lock.withLock {
                pending -= 1
                syncFailure = reason
            }
        }
    }

    var backgroundSyncsPending: Int { lock.withLock { pending } }
    var backgroundSyncFailure: String? { lock.withLock { syncFailure } }
    func clearBackgroundSyncFailure() { lock.withLock { syncFailure = nil } }

    func writeTemporary(_ bytes: [UInt8], temporaryName: String, inBackground: Bool, done: @escaping (String?) -> Void) {
        guard inBackground else { return done(Self.writeSynced(bytes, to: temporaryName)) }
        pool.runIfActive(eventLoop: loop) { Self.writeSynced(bytes, to: temporaryName) }
            .whenComplete { result in
                switch result {
                case .success(let failure): done(failure)
                case .failure(let error): done("\(error)")
                }
            }
    }

    /// A whole file written and fsynced (not renamed: moveTemporary does that).
    private static func writeSynced(_ bytes: [UInt8], to path: String) -> String? {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return reason }
        defer { close(descriptor) }
        if let failure = bytes.withUnsafeBytes({ writeAll(descriptor, $0) }).failure { return failure }
        return fsync(descriptor) == 0 ? nil : reason
    }

    func moveTemporary(_ temporaryName: String, to name: String) -> String? {
        Glibc.rename(temporaryName, path(name)) == 0 ? nil : Self.reason
    }

    func rename(_ name: String, to newName: String) -> String? {
        Glibc.rename(path(name), path(newName)) == 0 ? nil : Self.reason
    }

    func remove(_ name: String) {
        let target = path(name)
        background.async { _ = unlink(target) }
    }

    func removeTemporary(_ temporaryName: String) {
        background.async { _ = unlink(temporaryName) }
    }

    func dataPending() { onData() }

    /// At exit: the queued fsyncs, closes and deletions done.
    func drain() { background.sync {} }
}
