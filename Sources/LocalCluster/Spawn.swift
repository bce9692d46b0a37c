import Foundation

/// Runs a program and waits for it with posix_spawn and waitpid. Foundation's
/// Process.waitUntilExit can hang when called from an async command on Linux.
/// The child gets /dev/null for stdio and no other inherited descriptor: a
/// daemon that kept our caller's pipe open would keep the caller waiting.
enum Spawn {
    static func run(_ path: String, _ arguments: [String]) throws -> Int32 {
        var pid: pid_t = 0
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] {
            posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY, 0)
        }
        SpawnDefaults.markInheritedDescriptorsCloseOnExec()
        let status = SpawnDefaults.withAttributes { posix_spawn(&pid, path, &actions, &$0, argv, environ) }
        guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EIO) }
        var exitStatus: Int32 = 0
        while waitpid(pid, &exitStatus, 0) == -1 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS, which Swift does not import as macros.
        return (exitStatus & 0x7F) == 0 ? (exitStatus >> 8) & 0xFF : 128 + (exitStatus & 0x7F)
    }
}

/// What every child started with posix_spawn needs here (shared with the tests' ChildProcess).
public enum SpawnDefaults {
    /// The calling thread (a Dispatch worker under Swift concurrency) blocks
    /// most signals, and a child inherits that mask: redis-server would then
    /// never see SIGTERM. Children start with no signal blocked and default actions.
    public static func withAttributes<T>(_ body: (inout posix_spawnattr_t) throws -> T) rethrows -> T {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        return try body(&attributes)
    }

    /// glibc's posix_spawn_file_actions_addclosefrom_np is not visible to Swift,
    /// so descriptors we inherited without FD_CLOEXEC (a parent's pipes) get it.
    public static func markInheritedDescriptorsCloseOnExec() {
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in descriptors.compactMap(Int32.init) where fd > STDERR_FILENO {
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
    }
}
