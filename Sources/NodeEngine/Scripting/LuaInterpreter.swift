import CScripting

/// The engine's side of the Lua boundary (Sources/CScripting): one
/// sandboxed interpreter, and the callbacks through which its scripts reach
/// the engine. Those callbacks run while Lua is underway, with no Lua error
/// possible until they return (the C side raises errors only afterwards).
final class LuaInterpreter {
    private let vm: OpaquePointer
    private var result = rc_lua_result()
    private var compileError = rc_bytes()
    /// KEYS' and ARGV's words for the next run, their storage kept between runs.
    private var pointers: [UnsafePointer<CChar>?] = []
    private var lengths: [Int] = []

    /// The host's callbacks get `owner` back as their context. `functions`:
    /// the functions' interpreter (FUNCTION LOAD, FCALL) rather than EVAL's.
    init?(owner: AnyObject, functions: Bool = false) {
        var host = rc_lua_host()
        host.context = Unmanaged.passUnretained(owner).toOpaque()
        host.call = { context, command in
            Unmanaged<NodeEngine>.fromOpaque(context!).takeUnretainedValue().runScriptCommand(command!)
        }
        host.acl_check = { context, command in
            Unmanaged<NodeEngine>.fromOpaque(context!).takeUnretainedValue().scriptACLCheck(command!)
        }
        host.log = { context, level, text, length in
            let line = String(decoding: UnsafeRawBufferPointer(start: text, count: length), as: UTF8.self)
            Unmanaged<NodeEngine>.fromOpaque(context!).takeUnretainedValue().scriptLog(level: Int(level), line)
        }
        host.interrupt = { context in
            Unmanaged<NodeEngine>.fromOpaque(context!).takeUnretainedValue().scriptInterrupt()
        }
        host.register_function = { context, function, error in
            Unmanaged<NodeEngine>.fromOpaque(context!).takeUnretainedValue().registerFunction(function!.pointee, refusal: error!)
        }
        guard let vm = withUnsafePointer(to: &host, { functions ? rc_lua_new_functions($0) : rc_lua_new($0) }) else { return nil }
        self.vm = vm
    }

    deinit {
        rc_lua_free(vm)
        rc_bytes_free(&result.reply)
        rc_bytes_free(&compileError)
    }

    func isDefined(_ name: String) -> Bool { rc_lua_defined(vm, name) != 0 }

    /// Compiles `body` as function `name`; Lua's message when it does not compile.
    func define(_ name: String, body: ArraySlice<UInt8>) -> String? {
        let failed = Array(body).withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { rc_lua_define(vm, name, $0.baseAddress, $0.count, &compileError) }
        }
        guard failed != 0 else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: compileError.data, count: compileError.length), as: UTF8.self)
    }

    /// Runs a library's code so it registers its functions; the error text when it fails.
    func loadLibrary(_ code: ArraySlice<UInt8>, timeoutMilliseconds: Int) -> String? {
        let failed = Array(code).withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) {
                rc_lua_load_library(vm, $0.baseAddress, $0.count, timeoutMilliseconds, &compileError)
            }
        }
        guard failed != 0 else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: compileError.data, count: compileError.length), as: UTF8.self)
    }

    /// A function of a deleted, replaced or failed library goes.
    func release(_ ref: Int32) { rc_lua_unref(vm, ref) }

    struct Outcome {
        var isError: Bool
        /// Counted already (an error a called command replied).
        var quiet: Bool
        var nestedErrors: Int
    }

    enum Progress {
        case finished
        /// Parked in its hook: the host answers others until it resumes it.
        case parked
    }

    /// Starts script `name` (EVAL's interpreter) or registered function `ref`
    /// (the functions'); its KEYS and ARGV are copied into Lua at once.
    func start(_ name: String?, ref: Int32 = -1, sha: String, arguments: Arguments, keys: Range<Int>, args: Range<Int>,
               callerProtocol: Int, hook: Bool, yieldable: Bool) -> Progress {
        arguments.buffer.withUnsafeReadableBytes { base in
            let start = base.baseAddress!.assumingMemoryBound(to: CChar.self)
            let offset = arguments.buffer.readerIndex
            pointers.removeAll(keepingCapacity: true)
            lengths.removeAll(keepingCapacity: true)
            for index in keys.lowerBound..<args.upperBound {
                let range = arguments.range(index)
                pointers.append(UnsafePointer(start + (range.lowerBound - offset)))
                lengths.append(range.count)
            }
            let keyCount = keys.count
            return pointers.withUnsafeBufferPointer { p in
                lengths.withUnsafeBufferPointer { l in
                    rc_lua_run(vm, name, ref, sha,
                               Int32(keyCount), p.baseAddress, l.baseAddress,
                               Int32(args.count), p.baseAddress.map { $0 + keyCount }, l.baseAddress.map { $0 + keyCount },
                               Int32(callerProtocol), hook ? 1 : 0, yieldable ? 1 : 0, &result) == 0 ? .finished : .parked
                }
            }
        }
    }

    /// Goes on with a parked script; `kill` ends it with SCRIPT KILL's error.
    func resume(kill: Bool) -> Progress {
        rc_lua_resume(vm, kill ? 1 : 0) == 0 ? .finished : .parked
    }

    /// The finished script's reply (or its error line, without "-"), valid during `body`.
    func withReply(_ body: (UnsafeRawBufferPointer, Outcome) -> Void) {
        let outcome = Outcome(isError: result.status == Int32(RC_LUA_ERROR), quiet: result.quiet != 0, nestedErrors: Int(result.nested_errors))
        body(UnsafeRawBufferPointer(start: result.reply.data, count: result.reply.length), outcome)
    }

    /// used_memory_lua.
    var memory: Int { rc_lua_memory(vm) }
}
