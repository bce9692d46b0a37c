/// What a directive's value may be, and its canonical form (what CONFIG GET
/// prints), with redis-server's own reasons to refuse a value.
extension ConfigDirective {
    /// The canonical value of `arguments`. `current` is the value before
    /// (client-output-buffer-limit changes only the classes it names);
    /// `loading` is true while the config file is read (save lines add up
    /// there, and the first one replaces the defaults).
    func canonical(_ arguments: [String], current: String, loading: Bool, firstSaveLine: Bool = true,
                   config: ServerConfig) -> Result<String, ConfigError.Reason> {
        let result = parse(arguments, current: current, loading: loading, firstSaveLine: firstSaveLine)
        if case .success(let value) = result, let check, let refusal = check(value, config) {
            return .failure(.init(refusal))
        }
        return result
    }

    private func parse(_ arguments: [String], current: String, loading: Bool,
                       firstSaveLine: Bool) -> Result<String, ConfigError.Reason> {
        switch kind {
        case .bool:
            switch arguments[0].lowercased() {
            case "yes": return .success("yes")
            case "no": return .success("no")
            default: return .failure(.init("argument must be 'yes' or 'no'"))
            }
        case .integer(let range):
            guard let value = ConfigNumberSyntax.string2ll(arguments[0]) else {
                return .failure(.init("argument couldn't be parsed into an integer"))
            }
            return Self.bounded(value, range).map { String($0) }
        case .memory(let range):
            guard let bytes = ConfigNumberSyntax.memtoull(arguments[0]) else {
                return .failure(.init("argument must be a memory value"))
            }
            return Self.bounded(Int64(bitPattern: bytes), range).map { String(UInt64(bitPattern: $0)) }
        case .memoryOrPercent(let range):
            return Self.memoryOrPercent(arguments[0], range)
        case .octal(let range):
            let (value, rest, overflow) = ConfigNumberSyntax.strtoll(arguments[0], radix: 8)
            guard rest.isEmpty, !overflow else { return .failure(.init("argument couldn't be parsed as an octal number")) }
            guard case .success = Self.bounded(value, range) else {
                let lower = String(range.lower, radix: 8), upper = String(range.upper, radix: 8)
                return .failure(.init("argument must be between \(lower) and \(upper) inclusive"))
            }
            return .success(String(value, radix: 8))
        case .enumeration(let names):
            guard let match = names.first(where: { $0.name.caseInsensitiveCompare(arguments[0]) }) else {
                return .failure(Self.enumError(names))
            }
            return .success(names.first { $0.value == match.value }!.name)
        case .flags(let names):
            return Self.flagNames(arguments, names)
        case .string:
            return .success(arguments[0])
        case .save:
            return SpecialConfigValues.save(arguments, current: current, appending: loading && !firstSaveLine)
        case .outputBufferLimits:
            return SpecialConfigValues.outputBufferLimits(arguments, current: current)
        case .oomScoreAdjValues:
            return SpecialConfigValues.oomScoreAdjValues(arguments)
        case .keyspaceEvents:
            guard arguments.count == 1 else { return .failure(.init("wrong number of arguments")) }
            guard let events = KeyspaceEvents(letters: arguments[0]) else {
                return .failure(.init("Invalid event class character. Use 'Ag$lshzxeKEtmdn'."))
            }
            return .success(events.letters)
        case .bind:
            if arguments.count > 16 { return .failure(.init("Too many bind addresses specified.")) }
            return .success(arguments.count == 1 && arguments[0].isEmpty ? "" : arguments.joined(separator: " "))
        case .replicaOf:
            return SpecialConfigValues.replicaOf(arguments)
        case .percentiles:
            return SpecialConfigValues.percentiles(arguments)
        case .directory:
            guard arguments.count == 1 else { return .failure(.init("wrong number of arguments")) }
            return .success(arguments[0])
        }
    }

    /// numericBoundaryCheck's test and message.
    static func bounded(_ value: Int64, _ range: NumberRange) -> Result<Int64, ConfigError.Reason> {
        if range.unsigned {
            let unsignedValue = UInt64(bitPattern: value)
            let lower = UInt64(bitPattern: range.lower), upper = UInt64(bitPattern: range.upper)
            guard unsignedValue >= lower && unsignedValue <= upper else {
                return .failure(.init("argument must be between \(lower) and \(upper) inclusive"))
            }
        } else if value < range.lower || value > range.upper {
            return .failure(.init("argument must be between \(range.lower) and \(range.upper) inclusive"))
        }
        return .success(value)
    }

    /// maxmemory-clients: bytes, or a percentage kept as a negative number.
    private static func memoryOrPercent(_ text: String, _ range: NumberRange) -> Result<String, ConfigError.Reason> {
        var value: Int64
        if let bytes = ConfigNumberSyntax.memtoull(text) {
            value = Int64(bitPattern: bytes)
        } else if text.utf8.count > 1, text.hasSuffix("%"), let percent = ConfigNumberSyntax.string2ll(String(text.dropLast())),
                  percent >= 0 {
            value = -percent
        } else {
            return .failure(.init("argument must be a memory or percent value"))
        }
        if value < 0 {
            guard value >= range.lower else {
                return .failure(.init("percentage argument must be less or equal to \(-range.lower)"))
            }
            return .success("\(-value)%")
        }
        return bounded(value, range).map { String(UInt64(bitPattern: $0)) }
    }

    static func enumError(_ names: [EnumName]) -> ConfigError.Reason {
        let text = "argument(s) must be one of the following: " + names.map(\.name).joined(separator: ", ")
        // config.c copies the message into a 256-byte buffer.
        return .init(String(text.prefix(255)))
    }

    /// configEnumGetValue with bitflags, then configEnumGetName: the names
    /// of the set bits in table order ("default" alone for none).
    private static func flagNames(_ arguments: [String], _ names: [EnumName]) -> Result<String, ConfigError.Reason> {
        guard !arguments.isEmpty else { return .failure(enumError(names)) }
        var bits = 0
        for word in arguments {
            let matches = names.filter { $0.name.caseInsensitiveCompare(word) }
            guard !matches.isEmpty else { return .failure(enumError(names)) }
            for match in matches { bits |= match.value }
        }
        return .success(flagText(bits, names))
    }

    static func flagText(_ bits: Int, _ names: [EnumName]) -> String {
        if let exact = names.first(where: { $0.value == bits }) { return exact.name }
        var unmatched = bits
        var words: [String] = []
        for entry in names where entry.value != 0 && entry.value == (unmatched & entry.value) {
            words.append(entry.name)
            unmatched &= ~entry.value
        }
        return words.isEmpty || unmatched != 0 ? "unknown" : words.joined(separator: " ")
    }

    /// The value CONFIG GET's canonical text stands for, for CONFIG REWRITE.
    static func flagBits(_ text: String, _ names: [EnumName]) -> Int {
        text.split(separator: " ").reduce(0) { bits, word in bits | (names.first { $0.name == word }?.value ?? 0) }
    }
}

extension String {
    /// strcasecmp(self, other) == 0, in ASCII.
    func caseInsensitiveCompare(_ other: String) -> Bool {
        utf8.count == other.utf8.count && zip(utf8, other.utf8).allSatisfy { Self.lower($0) == Self.lower($1) }
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }
}
