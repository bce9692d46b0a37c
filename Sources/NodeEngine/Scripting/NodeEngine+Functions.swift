import CScripting
import RDB

/// Functions as functions.c and function_lua.c keep them: libraries loaded
/// into their own interpreter, checked and linked all or nothing, run by
/// FCALL through the same preparation and run as EVAL.
extension NodeEngine {
    /// FUNCTION LOAD's timeout for a client (none for the master or a load from disk).
    static let libraryLoadTimeoutMilliseconds = 500

    var functionInterpreter: LuaInterpreter? {
        if let interpreter = scripting.functionInterpreter { return interpreter }
        scripting.functionInterpreter = LuaInterpreter(owner: self, functions: true)
        return scripting.functionInterpreter
    }

    /// functionsCreateWithLibraryCtx: the library's name, or why it was not
    /// created (the libraries are then as they were).
    func createLibrary(_ payload: [UInt8], replace: Bool, timeoutMilliseconds: Int,
                       into libraries: inout FunctionLibraries) -> Result<String, FunctionLibraryError> {
        let metadata: LibraryMetadata
        switch LibraryMetadata.parse(payload) {
        case .success(let parsed): metadata = parsed
        case .failure(let error): return .failure(FunctionLibraryError(error.message))
        }
        guard FunctionLibraries.isValidName(metadata.name.utf8) else { return .failure(FunctionLibraryError(FunctionLibraries.invalidName)) }
        guard metadata.engine.lowercased() == "lua" else { return .failure(FunctionLibraryError("Engine '\(metadata.engine)' not found")) }
        let old = libraries[library: metadata.name]
        if old != nil && !replace { return .failure(FunctionLibraryError("Library '\(metadata.name)' already exists")) }
        guard let interpreter = functionInterpreter else { return .failure(FunctionLibraryError("the Lua interpreter could not be started (out of memory)")) }
        if old != nil { libraries.unlink(metadata.name) }
        scripting.registering = []
        let loadError = interpreter.loadLibrary(payload[metadata.codeStart...], timeoutMilliseconds: timeoutMilliseconds)
        let registered = scripting.registering ?? []
        scripting.registering = nil
        func abandon(_ error: String) -> Result<String, FunctionLibraryError> {
            for function in registered { interpreter.release(function.ref) }
            if let old { libraries.link(old) }
            return .failure(FunctionLibraryError(error))
        }
        if let loadError { return abandon(loadError) }
        if registered.isEmpty { return abandon("No functions registered") }
        let library = FunctionLibrary(name: metadata.name, code: payload, functions: registered)
        if let clash = libraries.collision(of: library) { return abandon("Function \(clash) already exists") }
        libraries.link(library)
        if let old { release(old) }
        return .success(metadata.name)
    }

    /// createLibrary into the node's own libraries (taken out of `scripting`
    /// meanwhile: the load reaches back into it through register_function).
    func createLibrary(_ payload: [UInt8], replace: Bool, timeoutMilliseconds: Int) -> Result<String, FunctionLibraryError> {
        var libraries = scripting.libraries
        scripting.libraries = FunctionLibraries()
        defer { scripting.libraries = libraries }
        return createLibrary(payload, replace: replace, timeoutMilliseconds: timeoutMilliseconds, into: &libraries)
    }

    /// redis.register_function, from inside FUNCTION LOAD (functionLibCreateFunction).
    func registerFunction(_ registration: rc_function_registration, refusal: UnsafeMutablePointer<rc_bytes>) -> Int32 {
        let name = UnsafeRawBufferPointer(start: registration.name, count: registration.name_length)
        func refuse(_ text: String) -> Int32 {
            var text = text
            text.withUTF8 { bytes in bytes.withMemoryRebound(to: CChar.self) { rc_bytes_set(refusal, $0.baseAddress, $0.count) } }
            return 1
        }
        // Every byte counts (a NUL inside makes the name invalid, as luaGetStringSds keeps it).
        guard FunctionLibraries.isValidName(name) else { return refuse(FunctionLibraries.invalidName) }
        let functionName = String(decoding: name, as: UTF8.self)
        guard scripting.registering != nil else { return refuse("redis.register_function can only be called on FUNCTION LOAD command") }
        if scripting.registering!.contains(where: { $0.name == functionName }) { return refuse("Function already exists in the library") }
        let description = registration.description.map { Array(UnsafeRawBufferPointer(start: $0, count: registration.description_length)) }
        scripting.registering!.append(LibraryFunction(name: functionName, description: description,
                                                      flags: ScriptFlags(rawValue: UInt8(truncatingIfNeeded: registration.flags)),
                                                      ref: registration.ref))
        return 0
    }

    private func release(_ library: FunctionLibrary) {
        for function in library.functions { scripting.functionInterpreter?.release(function.ref) }
    }

    func deleteLibrary(_ name: String) -> Bool {
        guard let library = scripting.libraries.unlink(name) else { return false }
        release(library)
        return true
    }

    /// functionsLibCtxClearCurrent: every library goes (FUNCTION FLUSH, a full sync, DEBUG RELOAD).
    func flushFunctions() {
        for library in scripting.libraries.sorted { release(library) }
        scripting.libraries = FunctionLibraries()
    }

    enum RestorePolicy { case append, replace, flush }

    /// functionRestoreCommand after its payload was verified: nil, or the error text.
    func restoreLibraries(_ body: [UInt8], policy: RestorePolicy) -> String? {
        let payloads: [[UInt8]]
        switch FunctionRecords.decode(body) {
        case .success(let decoded): payloads = decoded
        case .failure(let error): return error.message
        }
        var restored = FunctionLibraries()
        for payload in payloads {
            if case .failure(let error) = createLibrary(payload, replace: false, timeoutMilliseconds: 0, into: &restored) {
                for library in restored.sorted { release(library) }
                return error.message
            }
        }
        if policy == .flush {
            flushFunctions()
            scripting.libraries = restored
            return nil
        }
        // libraryJoin: every library or none; a replaced one comes back if the join fails.
        var replaced: [FunctionLibrary] = []
        func abandon(_ error: String) -> String {
            for library in replaced { scripting.libraries.link(library) }
            for library in restored.sorted { release(library) }
            return error
        }
        for library in restored.sorted where scripting.libraries[library: library.name] != nil {
            guard policy == .replace else { return abandon("Library \(library.name) already exists") }
            replaced.append(scripting.libraries.unlink(library.name)!)
        }
        for library in restored.sorted {
            if let clash = scripting.libraries.collision(of: library) { return abandon("Function \(clash) already exists") }
        }
        for library in restored.sorted { scripting.libraries.link(library) }
        for library in replaced { release(library) }
        return nil
    }

    /// FUNCTION DUMP's body: each library as its RDB record.
    func librariesRecords() -> [UInt8] {
        FunctionRecords.encode(scripting.libraries.sorted.map(\.code), compression: config.bool("rdbcompression"))
    }

    /// fcallCommandGeneric.
    func fcall(_ client: ClientSession, _ arguments: Arguments, readOnly: Bool) {
        feedMonitors(client, arguments, at: clock.microseconds())
        guard let (_, function) = scripting.libraries.function(named: arguments.string(1)) else {
            return fail(client, "ERR Function not found")
        }
        guard let numberOfKeys = arguments.integer(2) else { return fail(client, "ERR Bad number of keys provided") }
        if numberOfKeys > Int64(arguments.count - 3) { return fail(client, "ERR Number of keys can't be greater than number of args") }
        if numberOfKeys < 0 { return fail(client, "ERR Number of keys can't be negative") }
        guard let interpreter = functionInterpreter else { return fail(client, "ERR the Lua interpreter could not be started (out of memory)") }
        let keys = 3..<(3 + Int(numberOfKeys))
        guard let run = prepareScriptRun(client, sha: function.name, flags: function.flags, readOnly: readOnly, arguments, keys: keys) else { return }
        run.isFunction = true
        run.command = arguments
        runScript(run, interpreter, function: nil, ref: function.ref, arguments, keys: keys, args: keys.upperBound..<arguments.count)
    }

    /// INFO memory's function lines: the interpreter and the libraries' bookkeeping.
    var functionsMemory: (vm: Int64, overhead: Int64) {
        let vm = Int64(scripting.functionInterpreter?.memory ?? 0)
        let libraries = scripting.libraries.sorted
        let overhead = libraries.reduce(0) { total, library in
            total + library.code.count + library.name.utf8.count + 64
                + library.functions.reduce(0) { $0 + $1.name.utf8.count + ($1.description?.count ?? 0) + 48 }
        }
        return (vm, Int64(overhead))
    }
}
