import Foundation

/// The node's configuration: every known directive's canonical value.
/// Loaded as redis-server loads it: the file's lines, then the command
/// line's `--name value ...` options as further lines, the last word wins.
public struct ServerConfig: Sendable {
    private(set) var values: [String: String]

    public init() {
        values = Dictionary(uniqueKeysWithValues: ConfigDirectives.all.map { ($0.name, $0.defaultValue) })
    }

    public subscript(name: String) -> String {
        guard let directive = ConfigDirectives.byName[name] else { return "" }
        return values[directive.name] ?? ""
    }

    public func integer(_ name: String) -> Int64 { Int64(self[name]) ?? 0 }
    public func bool(_ name: String) -> Bool { self[name] == "yes" }

    public var encodingLimits: EncodingLimits {
        var limits = EncodingLimits()
        limits.hashEntries = Int(integer("hash-max-listpack-entries"))
        limits.hashValue = Int(integer("hash-max-listpack-value"))
        limits.setIntsetEntries = Int(integer("set-max-intset-entries"))
        limits.zsetEntries = Int(integer("zset-max-listpack-entries"))
        limits.zsetValue = Int(integer("zset-max-listpack-value"))
        return limits
    }

    /// The lines redis-server builds from its command line: `--port 7000
    /// --save 60 1` becomes "port 7000" and "save 60 1"; a word that does not
    /// start with `--` continues the previous directive.
    public static func commandLineLines(_ arguments: [String]) -> [String] {
        var lines: [String] = []
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if word.hasPrefix("--") {
                var line = String(word.dropFirst(2))
                let nextIsOption = index + 1 >= arguments.count || arguments[index + 1].hasPrefix("--")
                if line.lowercased() == "save" && nextIsOption { line += " \"\"" }
                lines.append(line)
            } else if !lines.isEmpty {
                lines[lines.count - 1] += " " + representation(word)
            }
            index += 1
        }
        return lines
    }

    /// Applies config text (a file, then command-line lines). Lines are
    /// numbered from 1 across both, as in redis-server's messages.
    public mutating func load(fileText: String, commandLine: [String], fileName: String) throws(ConfigError) {
        var lines = fileText.isEmpty ? [] : fileText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let fileLineCount = lines.count
        // redis-server joins the file and the options with a newline of its
        // own, so the options start one line after the file's last.
        if !commandLine.isEmpty { lines += [""] + Self.commandLineLines(commandLine) }
        for (offset, rawLine) in lines.enumerated() {
            let line = rawLine.trimmingCharacters(in: CharacterSet(charactersIn: " \t\r\n"))
            if line.isEmpty || line.hasPrefix("#") { continue }
            let source = offset < fileLineCount ? "\(fileName):\(offset + 1)" : "the command line"
            func fail(_ reason: String) -> ConfigError {
                ConfigError(line: offset + 1, text: line, reason: reason, source: source)
            }
            guard let words = line.utf8CString.withUnsafeBufferPointer({ buffer in
                InlineSplitter.split(UnsafeRawBufferPointer(start: buffer.baseAddress, count: buffer.count - 1))
            }) else { throw fail("Unbalanced quotes in configuration line") }
            guard !words.isEmpty else { continue }
            let name = String(decoding: words[0], as: UTF8.self).lowercased()
            var arguments = words.dropFirst().map { String(decoding: $0, as: UTF8.self) }
            guard let directive = ConfigDirectives.byName[name] else {
                if Self.ignoredDirectives.contains(name) { continue }
                throw fail("Bad directive or wrong number of arguments")
            }
            if !directive.takesManyArguments && arguments.count != 1 { throw fail("wrong number of arguments") }
            if directive.takesManyArguments && arguments.count == 1 && !arguments[0].isEmpty, case .save = directive.kind {
                arguments = arguments[0].split(separator: " ").map(String.init)
            }
            switch directive.canonical(arguments) {
            case .success(let value): values[directive.name] = value
            case .failure(let reason): throw fail(reason.text)
            }
        }
        if bool("cluster-enabled") && !self["replicaof"].isEmpty {
            throw ConfigError(line: lines.count, text: lines.last ?? "", reason: "replicaof directive not allowed in cluster mode", source: fileName)
        }
    }

    /// Directives of redis-server the engine accepts and has no use for.
    static let ignoredDirectives: Set<String> = [
        "list-max-ziplist-entries", "list-max-ziplist-value", "lua-replicate-commands",
        "oom-score-adj", "oom-score-adj-values", "jemalloc-bg-thread", "lazyfree-lazy-user-flush",
        "rdb-del-sync-files", "crash-log-enabled", "crash-memcheck-enabled", "disable-thp",
        "activedefrag", "syslog-enabled", "syslog-ident", "syslog-facility", "rename-command",
    ]

    /// CONFIG SET's checks; the new canonical values, or its error text.
    public func validatedChanges(_ pairs: [(String, String)]) -> Result<[(name: String, value: String)], ConfigSetError> {
        var changes: [(String, String)] = []
        var seen: Set<String> = []
        for (name, value) in pairs {
            guard let directive = ConfigDirectives.byName[name.lowercased()] else { return .failure(.unknown(name)) }
            guard directive.mutable else { return .failure(.failed(name, "can't set immutable config")) }
            guard seen.insert(directive.name).inserted else { return .failure(.failed(name, "duplicate parameter")) }
            let arguments = directive.takesManyArguments ? value.split(separator: " ").map(String.init) : [value]
            switch directive.canonical(arguments.isEmpty ? [""] : arguments) {
            case .success(let canonical): changes.append((directive.name, canonical))
            case .failure(let reason): return .failure(.failed(directive.name, reason.text))
            }
        }
        return .success(changes)
    }

    public mutating func apply(_ changes: [(name: String, value: String)]) {
        for change in changes { values[change.name] = change.value }
    }

    /// CONFIG GET: every directive (names and aliases) matching a pattern.
    public func matching(_ pattern: [UInt8]) -> [(String, String)] {
        var result: [(String, String)] = []
        for directive in ConfigDirectives.all {
            for name in [directive.name] + (directive.alias.map { [$0] } ?? [])
            where GlobPattern.matches(pattern, Array(name.utf8), caseInsensitive: true) {
                result.append((name, values[directive.name] ?? ""))
            }
        }
        return result
    }

    /// The file a CONFIG REWRITE writes: every non-default directive.
    public func rewritten(keepingCommentsOf original: String) -> String {
        var lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            .filter { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \t")).hasPrefix("#") || $0.trimmingCharacters(in: CharacterSet(charactersIn: " \t")).isEmpty }
        while lines.last == "" { lines.removeLast() }
        lines.append("# Generated by CONFIG REWRITE")
        for directive in ConfigDirectives.all {
            let value = values[directive.name] ?? ""
            guard value != directive.defaultValue else { continue }
            lines.append("\(directive.name) \(directive.takesManyArguments ? (value.isEmpty ? "\"\"" : value) : Self.quoted(value))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// sdscatrepr: always quoted, with C escapes for what is not printable.
    static func representation(_ word: String) -> String { representation(bytes: Array(word.utf8)) }

    /// A word as CONFIG REWRITE writes it: bare when it can be, else quoted as sdscatrepr quotes.
    static func quoted(_ word: String) -> String {
        let needsQuotes = word.isEmpty || word.contains { $0 == " " || $0 == "\"" || $0 == "'" || $0 == "\\" || !$0.isASCII || $0.isNewline }
        return needsQuotes ? representation(word) : word
    }
}

public enum ConfigSetError: Error, Equatable {
    case unknown(String)
    case failed(String, String)

    public var message: String {
        switch self {
        case .unknown(let name): "ERR Unknown option or number of arguments for CONFIG SET - '\(name)'"
        case .failed(let name, let reason): "ERR CONFIG SET failed (possibly related to argument '\(name)') - \(reason)"
        }
    }
}
