/// One redis.conf directive as redis-server 7.0.15's standardConfig table
/// (config.c) describes it: its names, what its value may be, its flags and
/// its default, written as CONFIG GET prints it.
struct ConfigDirective: Sendable {
    struct Flags: OptionSet, Sendable {
        let rawValue: Int
        /// IMMUTABLE_CONFIG: set by the file and the command line only.
        static let immutable = Flags(rawValue: 1 << 0)
        /// PROTECTED_CONFIG: CONFIG SET needs enable-protected-configs.
        static let protected = Flags(rawValue: 1 << 1)
        /// HIDDEN_CONFIG: CONFIG GET names it only when asked by its exact name.
        static let hidden = Flags(rawValue: 1 << 2)
        /// SENSITIVE_CONFIG: a password; its CONFIG SET value is not shown.
        static let sensitive = Flags(rawValue: 1 << 3)
    }

    /// A range of a numeric directive. `unsigned` ranges (unsigned int,
    /// size_t, unsigned long long in config.c) compare as UInt64, as
    /// numericBoundaryCheck does, and print their bounds unsigned.
    struct NumberRange: Sendable {
        let lower: Int64
        let upper: Int64
        let unsigned: Bool

        init(_ lower: Int64, _ upper: Int64, unsigned: Bool = false) {
            self.lower = lower
            self.upper = upper
            self.unsigned = unsigned
        }
    }

    /// One name of an enum directive and its value; two names may share a
    /// value (oom-score-adj's yes and relative), CONFIG GET prints the first.
    struct EnumName: Sendable {
        let name: String
        let value: Int
    }

    enum Kind: Sendable {
        case bool
        /// A plain integer (string2ll syntax).
        case integer(NumberRange)
        /// Bytes, with an optional unit (1k = 1000, 1kb = 1024, ...).
        case memory(NumberRange)
        /// Bytes, or `N%` of maxmemory (kept as -N, as redis-server keeps it).
        case memoryOrPercent(NumberRange)
        case octal(NumberRange)
        case enumeration([EnumName])
        /// Several enum names at once, OR-ed (shutdown-on-sigint).
        case flags([EnumName])
        /// `emptyIsNull`: an empty value means "not set" (EMPTY_STRING_IS_NULL),
        /// which CONFIG REWRITE leaves out of the file.
        case string(emptyIsNull: Bool)
        /// `save <seconds> <changes> ...` or `save ""`.
        case save
        /// `client-output-buffer-limit <class> <hard> <soft> <seconds> ...`
        case outputBufferLimits
        /// `oom-score-adj-values <master> <replica> <bgchild>`
        case oomScoreAdjValues
        /// `notify-keyspace-events` classes, printed in canonical order.
        case keyspaceEvents
        /// `bind addr ...`
        case bind
        /// `replicaof host port` or `replicaof no one`.
        case replicaOf
        /// `latency-tracking-info-percentiles 50 99 99.9`
        case percentiles
        /// `dir`: the server changes into it; the value is the absolute path.
        case directory
    }

    let name: String
    let alias: String?
    let kind: Kind
    let flags: Flags
    let defaultValue: String
    /// A check of the canonical value beyond its kind's (is_valid_fn in
    /// config.c); returns redis-server's reason to refuse it.
    let check: (@Sendable (String, ServerConfig) -> String?)?

    init(_ name: String, alias: String? = nil, _ kind: Kind, _ flags: Flags = [], default defaultValue: String,
         check: (@Sendable (String, ServerConfig) -> String?)? = nil) {
        self.name = name
        self.alias = alias
        self.kind = kind
        self.flags = flags
        self.defaultValue = defaultValue
        self.check = check
    }

    var mutable: Bool { !flags.contains(.immutable) }

    /// MULTI_ARG_CONFIG: the value is several words (CONFIG SET splits it on spaces).
    var takesManyArguments: Bool {
        switch kind {
        case .save, .outputBufferLimits, .oomScoreAdjValues, .bind, .replicaOf, .percentiles, .flags: true
        default: false
        }
    }
}

extension ConfigDirective {
    static let intMax = Int64(Int32.max)
    static let intMin = Int64(Int32.min)
    static let uintMax = Int64(UInt32.max)
    static let longMax = Int64.max
    /// ULLONG_MAX as config.c stores it in a long long bound.
    static let unsignedLongLongMax = Int64(bitPattern: UInt64.max)

    static func yesNo(_ name: String, alias: String? = nil, _ flags: Flags = [], _ value: Bool,
                      check: (@Sendable (String, ServerConfig) -> String?)? = nil) -> ConfigDirective {
        ConfigDirective(name, alias: alias, .bool, flags, default: value ? "yes" : "no", check: check)
    }

    static func number(_ name: String, alias: String? = nil, _ flags: Flags = [], _ lower: Int64, _ upper: Int64,
                       unsigned: Bool = false, _ value: Int64) -> ConfigDirective {
        ConfigDirective(name, alias: alias, .integer(NumberRange(lower, upper, unsigned: unsigned)), flags, default: String(value))
    }

    static func bytes(_ name: String, alias: String? = nil, _ flags: Flags = [], _ lower: Int64, _ upper: Int64,
                      unsigned: Bool = false, _ value: Int64) -> ConfigDirective {
        ConfigDirective(name, alias: alias, .memory(NumberRange(lower, upper, unsigned: unsigned)), flags, default: String(value))
    }

    static func text(_ name: String, alias: String? = nil, _ flags: Flags = [], emptyIsNull: Bool = true, _ value: String = "",
                     check: (@Sendable (String, ServerConfig) -> String?)? = nil) -> ConfigDirective {
        ConfigDirective(name, alias: alias, .string(emptyIsNull: emptyIsNull), flags, default: value, check: check)
    }

    static func choice(_ name: String, _ flags: Flags = [], _ names: [String], values: [Int]? = nil, _ value: String) -> ConfigDirective {
        let pairs = names.enumerated().map { EnumName(name: $0.element, value: values?[$0.offset] ?? $0.offset) }
        return ConfigDirective(name, .enumeration(pairs), flags, default: value)
    }
}

/// The same constructors for directives without flags (Swift cannot skip
/// an unnamed parameter in the middle of a call).
extension ConfigDirective {
    static func yesNo(_ name: String, alias: String? = nil, _ value: Bool,
                      check: (@Sendable (String, ServerConfig) -> String?)? = nil) -> ConfigDirective {
        yesNo(name, alias: alias, [], value, check: check)
    }

    static func number(_ name: String, alias: String? = nil, _ lower: Int64, _ upper: Int64,
                       unsigned: Bool = false, _ value: Int64) -> ConfigDirective {
        number(name, alias: alias, [], lower, upper, unsigned: unsigned, value)
    }

    static func bytes(_ name: String, alias: String? = nil, _ lower: Int64, _ upper: Int64,
                      unsigned: Bool = false, _ value: Int64) -> ConfigDirective {
        bytes(name, alias: alias, [], lower, upper, unsigned: unsigned, value)
    }

    static func text(_ name: String, alias: String? = nil, emptyIsNull: Bool = true, _ value: String = "",
                     check: (@Sendable (String, ServerConfig) -> String?)? = nil) -> ConfigDirective {
        text(name, alias: alias, [], emptyIsNull: emptyIsNull, value, check: check)
    }

    static func choice(_ name: String, _ names: [String], values: [Int]? = nil, _ value: String) -> ConfigDirective {
        choice(name, [], names, values: values, value)
    }
}
