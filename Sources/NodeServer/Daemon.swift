import Foundation

/// daemonize yes: redis-server forks, the parent exits and the child goes on
/// in a session of its own with /dev/null for stdio. A Swift process cannot
/// fork safely once threads run, so the server starts itself again the same
/// way (same arguments, from the directory it was started in) with a marker
/// in the environment, and the parent exits 0 as redis-server's does.
enum Daemon {
    static let marker = "RCLUSTER_SERVER_DAEMONIZED"

    /// True in the process that is the daemon: it leaves the starter's
    /// session and forgets the marker (its own children must not see it).
    static func becomeDaemonIfMarked() -> Bool {
        guard getenv(marker) != nil else { return false }
        unsetenv(marker)
        setsid()
        return true
    }

    /// Starts the daemon with this process's whole command line (the
    /// `rcluster server ...` words); the error text when it cannot be started.
    static func start(directory: String) -> String? {
        guard chdir(directory) == 0 else { return "Can't chdir to '\(directory)': \(String(cString: strerror(errno)))" }
        let executable = "/proc/self/exe"
        let argv = CommandLine.arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let variables: [String] = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" } + ["\(marker)=1"]
        let environment: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
        defer { environment.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] {
            posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_RDWR, 0)
        }
        // Signals blocked or ignored here (a caller's mask) must not follow
        // the daemon: it would never see SIGTERM.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        // The daemon must not hold the starter's other descriptors (a caller's
        // pipe it waits on would never close): they close on exec.
        for fd in ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap(Int32.init)
        where fd > STDERR_FILENO {
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, environment)
        return status == 0 ? nil : "Can't start the daemon: \(String(cString: strerror(status)))"
    }
}
