/// One redis.conf directive: its names, how its value is checked, and its
/// canonical form (what CONFIG GET prints).
struct ConfigDirective: Sendable {
    enum Kind: Sendable {
        case bool
        case integer(min: Int64, max: Int64)
        /// Bytes, written with optional units (1k = 1000, 1kb = 1024, ...).
        case memory(min: Int64, max: Int64)
        case enumeration([String])
        case string
        /// `save <seconds> <changes> ...` or `save ""`.
        case save
        /// `bind addr ...`
        case words
        /// `replicaof host port`
        case hostPort
    }

    let name: String
    let alias: String?
    let kind: Kind
    let mutable: Bool
    let defaultValue: String

    init(_ name: String, alias: String? = nil, _ kind: Kind, mutable: Bool = true, default defaultValue: String) {
        self.name = name
        self.alias = alias
        self.kind = kind
        self.mutable = mutable
        self.defaultValue = defaultValue
    }

    var takesManyArguments: Bool {
        switch kind {
        case .save, .words, .hostPort: true
        default: false
        }
    }

    /// The canonical value of `arguments`, or redis-server's reason to refuse them.
    func canonical(_ arguments: [String]) -> Result<String, ConfigError.Reason> {
        switch kind {
        case .bool:
            switch arguments[0].lowercased() {
            case "yes": return .success("yes")
            case "no": return .success("no")
            default: return .failure(.init("argument must be 'yes' or 'no'"))
            }
        case .integer(let min, let max):
            guard let value = RedisInteger.parse(Array(arguments[0].utf8)) else {
                return .failure(.init("argument couldn't be parsed into an integer"))
            }
            return Self.bounded(value, min, max)
        case .memory(let min, let max):
            guard let value = MemoryValue.parse(arguments[0]) else { return .failure(.init("argument must be a memory value")) }
            return Self.bounded(value, min, max)
        case .enumeration(let names):
            let value = arguments[0].lowercased()
            guard names.contains(value) else {
                return .failure(.init("argument(s) must be one of the following: " + names.joined(separator: ", ")))
            }
            return .success(value)
        case .string:
            return .success(arguments[0])
        case .save:
            if arguments.count == 1 && arguments[0].isEmpty { return .success("") }
            guard arguments.count % 2 == 0, arguments.allSatisfy({ Int64($0).map { $0 >= 0 } ?? false }) else {
                return .failure(.init("Invalid save parameters"))
            }
            return .success(arguments.joined(separator: " "))
        case .words:
            if arguments.count > 16 { return .failure(.init("Too many bind addresses specified.")) }
            return .success(arguments.joined(separator: " "))
        case .hostPort:
            guard arguments.count == 2 else { return .failure(.init("wrong number of arguments")) }
            if arguments[0].lowercased() == "no" && arguments[1].lowercased() == "one" { return .success("") }
            guard let port = Int(arguments[1]), (0...65535).contains(port) else { return .failure(.init("Invalid master port")) }
            return .success("\(arguments[0]) \(port)")
        }
    }

    private static func bounded(_ value: Int64, _ min: Int64, _ max: Int64) -> Result<String, ConfigError.Reason> {
        guard value >= min && value <= max else {
            return .failure(.init("argument must be between \(min) and \(max) inclusive"))
        }
        return .success(String(value))
    }
}

/// redis-server's memtoull: a number with an optional unit b, k, kb, m, mb, g, gb.
enum MemoryValue {
    static func parse(_ text: String) -> Int64? {
        let lower = text.lowercased()
        let units: [(String, Int64)] = [("gb", 1 << 30), ("mb", 1 << 20), ("kb", 1 << 10), ("g", 1_000_000_000),
                                        ("m", 1_000_000), ("k", 1000), ("b", 1)]
        var number = Substring(lower)
        var multiplier: Int64 = 1
        for (suffix, factor) in units where lower.hasSuffix(suffix) {
            number = lower.dropLast(suffix.count)
            multiplier = factor
            break
        }
        guard !number.isEmpty, number.allSatisfy(\.isNumber), let value = Int64(number) else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }
}
