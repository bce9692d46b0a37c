#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSystemCalls
import Foundation

/// The write end of the pipe the handler writes to. Set before the handler is
/// installed and cleared after it is removed, so the handler only reads it.
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1

/// Only write(2) here: it is async-signal-safe, where taking a lock or
/// allocating in a handler can deadlock the thread it interrupted.
private func forwardSignal(_ number: Int32) {
    let saved = errno
    var byte = UInt8(truncatingIfNeeded: number)
    _ = write(signalPipeWriteEnd, &byte, 1)
    errno = saved
}

/// Calls `handler` on a thread of its own for each of `signals` the process
/// receives, from the moment `init` returns.
///
/// Why not DispatchSource: on Linux it installs its handler later, on its
/// manager thread, and a signal that arrives before then is lost while the
/// disposition is SIG_IGN. A Ctrl-C sent right after a command says it has
/// started must not be. One watcher at a time per process.
public final class SignalWatcher: @unchecked Sendable {
    private let signals: [Int32]
    private let writeEnd: Int32
    private let lock = NSLock()
    private var cancelled = false

    public init(_ signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        var ends: [Int32] = [0, 0]
        // Close-on-exec atomically: another thread may spawn a child meanwhile.
        precondition(rc_pipe_cloexec(&ends) == 0, "pipe(2) failed: \(String(cString: strerror(errno)))")
        let (readEnd, writeEnd) = (ends[0], ends[1])
        // A full pipe (hundreds of unread signals) drops the extra ones rather
        // than blocking the thread the handler interrupted.
        _ = fcntl(writeEnd, F_SETFL, fcntl(writeEnd, F_GETFL) | O_NONBLOCK)
        self.signals = signals
        self.writeEnd = writeEnd
        signalPipeWriteEnd = writeEnd

        let reader = Thread {
            var byte: UInt8 = 0
            while true {
                let count = read(readEnd, &byte, 1)
                if count == 1 { handler(Int32(byte)); continue }
                if count < 0 && errno == EINTR { continue }
                break
            }
            close(readEnd)
        }
        reader.name = "rcluster.signals"
        reader.start()

        for number in signals {
            var action = sigaction()
            #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = forwardSignal
            #else
            action.__sigaction_u.__sa_handler = forwardSignal
            #endif
            action.sa_flags = SA_RESTART
            sigemptyset(&action.sa_mask)
            sigaction(number, &action, nil)
        }
    }

    /// Restores the default dispositions and ends the thread.
    public func cancel() {
        let first = lock.withLock {
            defer { cancelled = true }
            return !cancelled
        }
        guard first else { return }
        for number in signals { signal(number, SIG_DFL) }
        if signalPipeWriteEnd == writeEnd { signalPipeWriteEnd = -1 }
        close(writeEnd)
    }

    deinit { cancel() }
}
