import Foundation
import NIOCore
import NIOPosix
import NodeEngine

/// dump.rdb (the `dbfilename` directive, in `dir`, which is the working
/// directory): written by SAVE and BGSAVE, read at start.
final class RDBFileStore: SnapshotStore {
    private let loop: any EventLoop
    private let pool: NIOThreadPool
    private let fileName: () -> String

    /// `fileName` is read at each save: CONFIG SET dbfilename takes effect.
    init(loop: any EventLoop, pool: NIOThreadPool, fileName: @escaping () -> String) {
        self.loop = loop
        self.pool = pool
        self.fileName = fileName
    }

    /// Every write goes through the pool's one thread, in order, so a SAVE
    /// (waited for) never lands before an older BGSAVE's file.
    func write(_ snapshot: [UInt8], inBackground: Bool, done: @escaping (String?) -> Void) {
        let path = fileName()
        guard inBackground else {
            let finished = DispatchSemaphore(value: 0)
            let outcome = WriteOutcome()
            pool.submit { state in
                if case .active = state { outcome.failure = AtomicFile.write(snapshot, to: path) }
                finished.signal()
            }
            finished.wait()
            return done(outcome.failure)
        }
        pool.runIfActive(eventLoop: loop) { AtomicFile.write(snapshot, to: path) }
            .whenComplete { result in
                switch result {
                case .success(let failure): done(failure)
                case .failure(let error): done("\(error)")
                }
            }
    }

    /// The file's bytes, nil when there is none (a first start).
    func read() throws -> [UInt8]? {
        let path = fileName()
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 && errno == ENOENT { return nil }
        func failure() -> NodeServerError { NodeServerError("cannot read \(path): \(String(cString: strerror(errno)))") }
        guard descriptor >= 0 else { throw failure() }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw failure() }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }
}

/// A SAVE's result handed from the writer's thread; the semaphore orders the
/// write before the read.
private final class WriteOutcome: @unchecked Sendable {
    var failure: String? = "the file writer has stopped"
}
