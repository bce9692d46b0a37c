/// The function libraries a node holds (functionsLibCtx): each library's
/// code and functions, and every function by its name across libraries.
/// Pure bookkeeping: the interpreter's side is NodeEngine+Functions.
struct LibraryFunction {
    let name: String
    let description: [UInt8]?
    let flags: ScriptFlags
    /// The compiled callback in the functions' interpreter.
    let ref: Int32
}

struct FunctionLibrary {
    let name: String
    /// The whole payload, shebang line included (FUNCTION LIST WITHCODE, DUMP, the RDB).
    let code: [UInt8]
    var functions: [LibraryFunction]
}

struct FunctionLibraries {
    private(set) var libraries: [String: FunctionLibrary] = [:]
    /// Function names compare without case across libraries (functionDictType).
    private var owners: [String: String] = [:]

    var count: Int { libraries.count }
    var functionCount: Int { owners.count }
    /// In name order: redis-server's order is its dictionary's, which no client may rely on.
    var sorted: [FunctionLibrary] { libraries.values.sorted { $0.name < $1.name } }

    subscript(library name: String) -> FunctionLibrary? { libraries[name] }

    func function(named name: String) -> (library: FunctionLibrary, function: LibraryFunction)? {
        guard let owner = owners[name.lowercased()], let library = libraries[owner],
              let function = library.functions.first(where: { $0.name.lowercased() == name.lowercased() }) else { return nil }
        return (library, function)
    }

    /// The first function of `library` whose name another library holds (the collision check of libraryJoin).
    func collision(of library: FunctionLibrary) -> String? {
        library.functions.first { owners[$0.name.lowercased()] != nil }?.name
    }

    mutating func link(_ library: FunctionLibrary) {
        libraries[library.name] = library
        for function in library.functions where owners[function.name.lowercased()] == nil {
            owners[function.name.lowercased()] = library.name
        }
    }

    @discardableResult
    mutating func unlink(_ name: String) -> FunctionLibrary? {
        guard let library = libraries.removeValue(forKey: name) else { return nil }
        for function in library.functions where owners[function.name.lowercased()] == name {
            owners[function.name.lowercased()] = nil
        }
        return library
    }

    /// functionsVerifyName: letters, digits and underscores, at least one.
    static func isValidName(_ name: some Collection<UInt8>) -> Bool {
        !name.isEmpty && name.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
        }
    }

    static let invalidName = "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long"
}

/// A library payload's first line, `#!<engine> name=<name>`, as
/// functionExtractLibMetaData reads it; the code runs from its line feed on.
struct LibraryMetadata: Equatable {
    let engine: String
    let name: String
    /// Where the code the engine runs starts (the shebang's line feed, so line numbers hold).
    let codeStart: Int

    static func parse(_ payload: [UInt8]) -> Result<LibraryMetadata, ShebangError> {
        guard payload.count >= 2, payload[0] == UInt8(ascii: "#"), payload[1] == UInt8(ascii: "!") else {
            return .failure(.invalid("Missing library metadata"))
        }
        // strchr stops at a NUL as well: the payload is a C string to it.
        let lineEnd = payload.firstIndex { $0 == UInt8(ascii: "\n") || $0 == 0 }
        guard let end = lineEnd, payload[end] == UInt8(ascii: "\n") else { return .failure(.invalid("Invalid library metadata")) }
        guard let parts = payload[0..<end].withUnsafeBytes({ InlineSplitter.split($0) }), !parts.isEmpty else {
            return .failure(.invalid("Invalid library metadata"))
        }
        let engine = String(decoding: parts[0].dropFirst(2), as: UTF8.self)
        var name: String?
        for part in parts.dropFirst() {
            if part.count >= 5, String(decoding: part.prefix(5), as: UTF8.self).lowercased() == "name=" {
                guard name == nil else { return .failure(.invalid("Invalid metadata value, name argument was given multiple times")) }
                name = String(decoding: part.dropFirst(5), as: UTF8.self)
                continue
            }
            return .failure(.invalid("Invalid metadata value given: " + String(decoding: part, as: UTF8.self)))
        }
        guard let name else { return .failure(.invalid("Library name was not given")) }
        return .success(LibraryMetadata(engine: engine, name: name, codeStart: end))
    }
}
