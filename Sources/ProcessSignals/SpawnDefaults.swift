import CSystemCalls
#if canImport(Glibc)
import Glibc
#endif

/// What every child started with posix_spawn gets here: the node daemon,
/// `local up`'s nodes, the tests' children. swift-subprocess was weighed for
/// this and not taken (Docs/Decisions/0014-process-spawning.md).
public enum SpawnDefaults {
    /// The calling thread (a Dispatch worker under Swift concurrency) blocks
    /// most signals, and a child inherits that mask and any signal ignored
    /// here (SIGPIPE): redis-server would then never see SIGTERM. Children
    /// start with no signal blocked and every signal at its default action.
    public static func withAttributes<T>(_ body: (inout posix_spawnattr_t) throws -> T) rethrows -> T {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        return try body(&attributes)
    }

    /// Added after the stdio actions: the child holds nothing of ours but
    /// its stdin, stdout and stderr. A daemon that kept a caller's pipe open
    /// would keep the caller waiting; closed in the child, no descriptor
    /// another thread opens meanwhile can slip through.
    public static func closeOtherDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        _ = rc_spawn_close_from(&actions, STDERR_FILENO + 1)
    }
}
