import Foundation
import ProcessSignals

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
        // The daemon must not hold the starter's other descriptors (a caller's
        // pipe it waits on would never close), nor its blocked signals.
        SpawnDefaults.closeOtherDescriptors(&actions)
        var pid: pid_t = 0
        let status = SpawnDefaults.withAttributes { posix_spawn(&pid, executable, &actions, &$0, argv, environment) }
        return status == 0 ? nil : "Can't start the daemon: \(String(cString: strerror(status)))"
    }
}
