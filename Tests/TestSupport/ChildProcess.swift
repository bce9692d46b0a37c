import CSystemCalls
import Foundation
import LocalCluster
import ProcessSignals

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with posix_spawn and reaped with waitpid on its
/// own pid. Foundation's Process was dropped here: with several children at
/// once (a daemonizing sshd, a SIGSTOPped rcluster, a long-running client)
/// its shared reaper deadlocked, and its waitUntilExit spun at 100% CPU.
public final class ChildProcess: @unchecked Sendable {
    public enum Output {
        case null
        case pipe
        case file(String)
    }

    /// Writing to a pipe whose reader exited must fail with EPIPE, not kill the tests.
    private static let ignoreSIGPIPE: Void = { _ = Glibc.signal(SIGPIPE, SIG_IGN) }()

    public let processIdentifier: pid_t
    private let lock = NSLock()
    private var status: Int32?

    private init(pid: pid_t) { processIdentifier = pid }

    /// Starts `executable` (a path, or a name looked up on PATH). Returns the
    /// parent's ends of the pipes asked for.
    public static func spawn(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                             stdinPipe: Bool = false, stdout: Output = .null, stderr: Output = .null)
        throws -> (process: ChildProcess, stdin: Int32?, stdout: Int32?, stderr: Int32?) {
        _ = ignoreSIGPIPE
        let path = executable.hasPrefix("/") ? executable : try ProcessRunner.which(executable)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var parentEnds: [Int32?] = [nil, nil, nil]
        var childEnds: [Int32] = []
        for (fd, output) in [(STDIN_FILENO, stdinPipe ? Output.pipe : .null), (STDOUT_FILENO, stdout), (STDERR_FILENO, stderr)] {
            switch output {
            case .null:
                posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY, 0)
            case .file(let file):
                posix_spawn_file_actions_addopen(&actions, fd, file, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            case .pipe:
                var ends: [Int32] = [0, 0]
                // Close-on-exec atomically: tests spawn children from many threads at once.
                guard rc_pipe_cloexec(&ends) == 0 else { throw TestSupportError("pipe: \(String(cString: strerror(errno)))") }
                let (childEnd, parentEnd) = fd == STDIN_FILENO ? (ends[0], ends[1]) : (ends[1], ends[0])
                posix_spawn_file_actions_adddup2(&actions, childEnd, fd)  // dup2 clears CLOEXEC on the copy
                childEnds.append(childEnd)
                parentEnds[Int(fd)] = parentEnd
            }
        }
        SpawnDefaults.closeOtherDescriptors(&actions)
        var merged = ProcessInfo.processInfo.environment
        merged.merge(environment) { $1 }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = SpawnDefaults.withAttributes { posix_spawn(&pid, path, &actions, &$0, argv, envp) }
        childEnds.forEach { close($0) }
        guard result == 0 else {
            parentEnds.compactMap { $0 }.forEach { close($0) }
            throw TestSupportError("cannot start \(path): \(String(cString: strerror(result)))")
        }
        return (ChildProcess(pid: pid), parentEnds[0], parentEnds[1], parentEnds[2])
    }

    /// Reaps the child if it has exited; never blocks.
    public var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        return reap(blocking: false) == nil
    }

    /// Blocks until the child exits; its exit code (128 + signal when killed).
    @discardableResult
    public func waitUntilExit() -> Int32 {
        while true {
            lock.lock()
            let code = reap(blocking: false)
            lock.unlock()
            if let code { return code }
            usleep(5_000)
        }
    }

    public var terminationStatus: Int32 { waitUntilExit() }

    public func signal(_ signal: Int32) {
        if isRunning { kill(processIdentifier, signal) }
    }

    /// Caller holds the lock.
    private func reap(blocking: Bool) -> Int32? {
        if let status { return status }
        var raw: Int32 = 0
        let result = waitpid(processIdentifier, &raw, blocking ? 0 : WNOHANG)
        if result == 0 { return nil }
        if result == processIdentifier {
            // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import.
            status = (raw & 0x7F) == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
            return status
        }
        if errno == EINTR { return nil }
        status = -1  // ECHILD: already reaped elsewhere
        return status
    }
}
