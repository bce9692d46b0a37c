import NIOCore

/// A script in the cache (lctx.lua_scripts): its body, for SCRIPT LOAD's
/// and EVAL's SHA, and the flags its shebang declared.
struct CachedScript {
    let body: [UInt8]
    let flags: ScriptFlags
    /// Its SHA1 in hex, for replies and error messages.
    let sha: String
    /// The Lua function it was compiled into (f_<sha>, as eval.c names it).
    let function: String
}

/// One run of a script (scriptRunCtx): who asked, what it may do, what it did.
final class ScriptRun {
    let caller: ClientSession
    let sha: String
    let flags: ScriptFlags
    /// EVAL_RO / EVALSHA_RO, or a script that declared no-writes.
    let readOnly: Bool
    let allowsOOM: Bool
    let allowsCrossSlot: Bool
    /// The caller is this node's master (mustObeyClient): no checks, nothing killable.
    let obeysCaller: Bool
    /// The memory was over maxmemory when the script started (pre_command_oom_state).
    let startedOutOfMemory: Bool
    /// Monotonic µs at the start, for busy-reply-threshold.
    let startedAt: Int64
    /// A write ran: the script can no longer be refused halfway, nor killed.
    var wrote = false
    /// The hash slot its keys use so far (cluster mode), declared keys first.
    var slot: Int?
    var timedOut = false
    var killed = false
    /// It may hand the event loop back when busy; it is parked now.
    var yieldable = false
    var parked = false
    /// FCALL or FCALL_RO ran a function (FUNCTION KILL, FUNCTION STATS and BUSY's text tell them apart).
    var isFunction = false
    /// The interpreter it runs in (EVAL's or the functions').
    var interpreter: LuaInterpreter?
    /// The caller's command, for FUNCTION STATS.
    var command: Arguments?
    /// Its effects so far while parked (propagation's pending list and bytes).
    var parkedEffects: ([(db: Int, range: Range<Int>, target: PropagationTarget)], ByteBuffer)?

    init(caller: ClientSession, sha: String, flags: ScriptFlags, readOnly: Bool, obeysCaller: Bool,
         startedOutOfMemory: Bool, startedAt: Int64, slot: Int?) {
        self.caller = caller
        self.sha = sha
        self.flags = flags
        let compatible = flags.contains(.evalCompatibility)
        self.readOnly = readOnly || (!compatible && flags.contains(.noWrites))
        allowsOOM = !compatible && flags.contains(.allowOOM)
        allowsCrossSlot = compatible || flags.contains(.allowCrossSlot)
        self.obeysCaller = obeysCaller
        self.startedOutOfMemory = startedOutOfMemory
        self.startedAt = startedAt
        self.slot = slot
    }
}

/// The engine's scripting: the interpreters (made on first use), the script
/// cache, the function libraries, and the run underway.
struct ScriptingState {
    var interpreter: LuaInterpreter?
    var functionInterpreter: LuaInterpreter?
    var libraries = FunctionLibraries()
    /// The functions a library registers while FUNCTION LOAD runs its code.
    var registering: [LibraryFunction]?
    var scripts: [ScriptDigest: CachedScript] = [:]
    /// Bytes of the cached bodies and their SHAs (used_memory_scripts_eval's main part).
    var scriptsMemory = 0
    var run: ScriptRun?
    /// The client scripts' commands run as (lctx.lua_client).
    var client: ClientSession?
    /// EVAL_RO & co with flags of their own, by the flags a script declared.
    var flaggedEntries: [FlaggedEntryKey: CommandEntry] = [:]
    /// The previous redis.call's words, their storage reused by the next.
    var spareArguments = Arguments(buffer: ByteBuffer(), ranges: [])
    /// DEBUG SET-DISABLE-DENY-SCRIPTS: noscript commands run from scripts too.
    var denyScriptsDisabled = false
    /// busy-reply-threshold (lua-time-limit), read on every run: kept out of the config table.
    var busyReplyThreshold: Int64 = 5000
}

struct FlaggedEntryKey: Hashable {
    let name: String
    let flags: ScriptFlags
}
