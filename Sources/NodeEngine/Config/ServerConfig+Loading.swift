#if canImport(Glibc)
import Glibc
#endif

/// What loading a config needs from outside the engine: the server reads
/// included files, changes into `dir` as the line is read (so later
/// relative paths land there, as with redis-server) and opens the log file.
/// Without them (unit tests) include is refused and dir is only stored.
public struct ConfigLoadEnvironment: Sendable {
    /// The text of an included file, or why it cannot be read.
    public var readFile: (@Sendable (String) -> Result<String, ConfigFileError>)?
    /// Changes the working directory; the absolute path, or strerror's text.
    public var changeDirectory: (@Sendable (String) -> Result<String, ConfigError.Reason>)?
    /// Opens the log file for appending; strerror's text when it cannot.
    public var openLogFile: (@Sendable (String) -> String?)?

    public init(readFile: (@Sendable (String) -> Result<String, ConfigFileError>)? = nil,
                changeDirectory: (@Sendable (String) -> Result<String, ConfigError.Reason>)? = nil,
                openLogFile: (@Sendable (String) -> String?)? = nil) {
        self.readFile = readFile
        self.changeDirectory = changeDirectory
        self.openLogFile = openLogFile
    }
}

extension ServerConfig {
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
    public mutating func load(fileText: String, commandLine: [String], fileName: String,
                              environment: ConfigLoadEnvironment = .init()) throws(ConfigError) {
        var text = fileText
        // redis-server joins the file and the options with a newline of its
        // own, so the options start one line after the file's last.
        if !commandLine.isEmpty { text += "\n" + Self.commandLineLines(commandLine).joined(separator: "\n") }
        try apply(text: text, fileName: fileName, environment: environment)
        if let open = environment.openLogFile, !self["logfile"].isEmpty, let failure = open(self["logfile"]) {
            throw ConfigError(line: nil, text: "", reason: "Can't open the log file: \(failure)", source: fileName)
        }
        if bool("cluster-enabled") && !self["replicaof"].isEmpty {
            throw ConfigError(line: nil, text: "", reason: "replicaof directive not allowed in cluster mode", source: fileName)
        }
        let moduleConfigs = unappliedLines.filter { $0.split(separator: " ").first?.contains(".") ?? false }
        if !moduleConfigs.isEmpty && !unappliedLines.contains(where: { $0.lowercased().hasPrefix("loadmodule ") }) {
            throw ConfigError(rawMessage: "Module Configuration detected without loadmodule directive or no ApplyConfig call: aborting")
        }
    }

    /// loadServerConfigFromString: one text, its lines numbered from 1.
    mutating func apply(text: String, fileName: String, environment: ConfigLoadEnvironment) throws(ConfigError) {
        // sdssplitlen on "\n": a last empty line counts, as in redis-server.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (offset, rawLine) in lines.enumerated() {
            let line = rawLine.trimmingLineBlanks
            if line.isEmpty || line.hasPrefix("#") { continue }
            func fail(_ reason: String) -> ConfigError {
                ConfigError(line: offset + 1, text: line, reason: reason, source: fileName)
            }
            guard let words = Self.splitArguments(line) else { throw fail("Unbalanced quotes in configuration line") }
            guard !words.isEmpty else { continue }
            let name = words[0].lowercased()
            let arguments = Array(words.dropFirst())
            if let directive = ConfigDirectives.byName[name] {
                if let reason = apply(directive, arguments, environment: environment) { throw fail(reason) }
            } else if ConfigDirectives.deprecated.contains(name) && arguments.count == 1 {
                continue
            } else if name == "include" && arguments.count == 1 {
                try include(arguments[0], environment: environment)
            } else if name == "rename-command" && arguments.count == 2 {
                // The engine does not rename yet, but refuses what redis-server refuses.
                guard Self.commandNames.contains(arguments[0].lowercased()) else {
                    throw fail("No such command in rename-command")
                }
                noteUnapplied(line)
            } else if (name == "user" && !arguments.isEmpty)
                        || (name == "loadmodule" && !arguments.isEmpty) {
                noteUnapplied(line)
            } else if name.contains(".") {
                if arguments.isEmpty { throw fail("Module config specified without value") }
                noteUnapplied(line)
            } else if name == "sentinel" {
                if !arguments.isEmpty { throw fail("sentinel directive while not in sentinel mode") }
            } else {
                throw fail("Bad directive or wrong number of arguments")
            }
        }
    }

    /// One directive line; redis-server's reason to refuse it, or nil.
    private mutating func apply(_ directive: ConfigDirective, _ arguments: [String],
                                environment: ConfigLoadEnvironment) -> String? {
        var arguments = arguments
        if !directive.takesManyArguments && arguments.count != 1 { return "wrong number of arguments" }
        // A multi-word directive given as one word ("--save '60 1'") is split again.
        if directive.takesManyArguments && arguments.count == 1 && !arguments[0].isEmpty {
            arguments = Self.splitArguments(arguments[0]) ?? []
        }
        let first = !saveLineSeen
        let result = directive.canonical(arguments, current: values[directive.name] ?? "", loading: true,
                                         firstSaveLine: first, config: self)
        switch result {
        case .failure(let reason):
            return reason.text
        case .success(var value):
            if case .save = directive.kind { saveLineSeen = true }
            if case .directory = directive.kind, let change = environment.changeDirectory {
                switch change(value) {
                case .success(let absolute): value = absolute
                case .failure(let reason): return reason.text
                }
            }
            store(directive, value)
            return nil
        }
    }

    /// include: the file's own lines, numbered from its first (a glob
    /// pattern includes every match, and none is no error).
    private mutating func include(_ path: String, environment: ConfigLoadEnvironment) throws(ConfigError) {
        guard let read = environment.readFile else {
            throw ConfigError(rawMessage: "Fatal error, can't open config file '\(path)': includes are not read here")
        }
        let paths = path.contains(where: { "*?[".contains($0) }) ? Self.glob(path) : [path]
        for file in paths {
            switch read(file) {
            case .success(let text): try apply(text: text, fileName: file, environment: environment)
            case .failure(let failure): throw ConfigError(rawMessage: failure.description)
            }
        }
    }

    private static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }
    }

    /// The commands rename-command may name ("config|get" for a subcommand).
    private static let commandNames = Set(CommandTable.standard().entries.map(\.name))

    /// sdssplitargs: words, quotes and escapes; nil for unbalanced quotes.
    static func splitArguments(_ line: String) -> [String]? {
        line.utf8CString.withUnsafeBufferPointer { buffer in
            InlineSplitter.split(UnsafeRawBufferPointer(start: buffer.baseAddress, count: buffer.count - 1))
        }?.map { String(decoding: $0, as: UTF8.self) }
    }
}

/// An included config file that cannot be read: redis-server logs this and exits.
public struct ConfigFileError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "Fatal error, can't open config file '\(path)': \(reason)" }
}
