/// CONFIG SET's checks (configSetCommand in config.c): every name first
/// (unknown, immutable, protected, twice), then every value in order; the
/// first refusal is the reply and nothing changes.
extension ServerConfig {
    /// The new canonical values, or the error reply. `clientIsLocal`: the
    /// client is on a loopback or unix socket (enable-protected-configs local).
    public func validatedChanges(_ pairs: [(String, String)], clientIsLocal: Bool = true)
        -> Result<[(name: String, value: String)], ConfigSetError> {
        var directives: [(typed: String, directive: ConfigDirective, registeredName: String, value: String)] = []
        for (typed, value) in pairs {
            guard let directive = ConfigDirectives.byName[typed.lowercased()] else { return .failure(.unknown(typed)) }
            if directive.flags.contains(.immutable) { return .failure(.failed(typed, "can't set immutable config")) }
            if directive.flags.contains(.protected) && !allowsProtectedAction("enable-protected-configs", clientIsLocal) {
                return .failure(.failed(typed, "can't set protected config"))
            }
            // redis-server registers an alias as a config of its own, so
            // `replica-priority 1 slave-priority 2` is no duplicate there.
            let registeredName = directive.alias == typed.lowercased() ? directive.alias! : directive.name
            if directives.contains(where: { $0.registeredName == registeredName }) {
                return .failure(.failed(typed, "duplicate parameter"))
            }
            directives.append((typed, directive, registeredName, value))
        }
        var trial = self
        var changes: [(name: String, value: String)] = []
        for entry in directives {
            let directive = entry.directive
            let arguments = directive.takesManyArguments ? Self.splitOnSpaces(entry.value) : [entry.value]
            switch directive.canonical(arguments, current: trial.values[directive.name] ?? "", loading: false, config: trial) {
            case .success(let canonical):
                trial.store(directive, Self.adjustedBySet(directive, canonical))
                changes.append((directive.name, trial.values[directive.name] ?? canonical))
            case .failure(let reason):
                return .failure(.failed(entry.registeredName, reason.text))
            }
        }
        return .success(changes)
    }

    /// What CONFIG SET's apply functions make of a value: updateReplBacklogSize
    /// raises repl-backlog-size to 16 KB (the file's value stays as written).
    static func adjustedBySet(_ directive: ConfigDirective, _ value: String) -> String {
        if directive.name == "repl-backlog-size", let bytes = UInt64(value), bytes < 16384 { return "16384" }
        return value
    }

    /// The values of a CONFIG SET that set a password (SENSITIVE_CONFIG):
    /// redis-server keeps them out of MONITOR and the slow log, as "(redacted)".
    static func sensitiveArgumentIndexes(_ arguments: Arguments) -> Set<Int> {
        guard arguments.count >= 4, arguments.isWord(0, "config"), arguments.isWord(1, "set") else { return [] }
        var indexes: Set<Int> = []
        for index in stride(from: 2, to: arguments.count - 1, by: 2)
        where ConfigDirectives.byName[arguments.lowercased(index)]?.flags.contains(.sensitive) == true {
            indexes.insert(index + 1)
        }
        return indexes
    }

    /// allowProtectedAction: yes, or local for a local client.
    public func allowsProtectedAction(_ name: String, _ clientIsLocal: Bool) -> Bool {
        switch self[name] {
        case "yes": true
        case "local": clientIsLocal
        default: false
        }
    }

    public mutating func apply(_ changes: [(name: String, value: String)]) {
        for change in changes {
            if let directive = ConfigDirectives.byName[change.name] { store(directive, change.value) }
        }
    }

    /// sdssplitlen(value, " "): every space separates, so two in a row make
    /// an empty word; an empty value is no word at all.
    static func splitOnSpaces(_ value: String) -> [String] {
        value.isEmpty ? [] : value.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
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
