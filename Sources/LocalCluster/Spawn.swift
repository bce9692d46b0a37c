import Foundation
import ProcessSignals

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
        SpawnDefaults.closeOtherDescriptors(&actions)
        let status = SpawnDefaults.withAttributes { posix_spawn(&pid, path, &actions, &$0, argv, environ) }
        guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EIO) }
        var exitStatus: Int32 = 0
        while waitpid(pid, &exitStatus, 0) == -1 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS, which Swift does not import as macros.
        return (exitStatus & 0x7F) == 0 ? (exitStatus >> 8) & 0xFF : 128 + (exitStatus & 0x7F)
    }
}
