#if canImport(Glibc)
import Glibc
#endif

/// The values of config.c's special directives (their own set and get
/// functions): checked as redis-server checks them, printed as it prints them.
enum SpecialConfigValues {
    typealias Reason = ConfigError.Reason

    /// setConfigSaveOption: pairs of seconds (>= 1) and changes (>= 0), or
    /// `""` for none. While the file is read, save lines after the first add
    /// their pairs (`appending`); elsewhere the value replaces the old one.
    static func save(_ arguments: [String], current: String, appending: Bool) -> Result<String, Reason> {
        let words = arguments.count == 1 && arguments[0].isEmpty ? [] : arguments
        guard words.count % 2 == 0 else { return .failure(.init("Invalid save parameters")) }
        var pairs: [String] = []
        for (index, word) in words.enumerated() {
            let (value, rest, _) = ConfigNumberSyntax.strtoll(word)
            guard rest.isEmpty, index % 2 == 1 ? value >= 0 : value >= 1 else {
                return .failure(.init("Invalid save parameters"))
            }
            // seconds is a time_t, changes an int (C truncates it).
            pairs.append(index % 2 == 0 ? String(value) : String(Int32(truncatingIfNeeded: value)))
        }
        let joined = pairs.joined(separator: " ")
        if appending && !current.isEmpty { return .success(joined.isEmpty ? current : current + " " + joined) }
        return .success(joined)
    }

    /// The three client classes of client-output-buffer-limit, in the order
    /// CONFIG GET prints them, with their defaults.
    static let bufferClasses = ["normal", "slave", "pubsub"]
    static let defaultBufferLimits = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"

    /// updateClientOutputBufferLimit: groups of class, hard, soft, seconds;
    /// the classes named change, the others keep their limits.
    static func outputBufferLimits(_ arguments: [String], current: String) -> Result<String, Reason> {
        guard arguments.count % 4 == 0 else {
            return .failure(.init("Wrong number of arguments in buffer limit configuration."))
        }
        var limits = bufferLimits(current)
        var changed: [Int: [String]] = [:]
        for start in stride(from: 0, to: arguments.count, by: 4) {
            let name = arguments[start].lowercased()
            guard let index = name == "replica" ? 1 : bufferClasses.firstIndex(of: name) else {
                return .failure(.init("Invalid client class specified in buffer limit configuration."))
            }
            let seconds = ConfigNumberSyntax.strtoll(arguments[start + 3])
            guard let hard = ConfigNumberSyntax.memtoull(arguments[start + 1]),
                  let soft = ConfigNumberSyntax.memtoull(arguments[start + 2]),
                  seconds.rest.isEmpty, Int32(truncatingIfNeeded: seconds.value) >= 0 else {
                return .failure(.init("Error in hard, soft or soft_seconds setting in buffer limit configuration."))
            }
            changed[index] = [String(hard), String(soft), String(Int32(truncatingIfNeeded: seconds.value))]
        }
        for (index, values) in changed { limits[index] = values }
        return .success(bufferLimitsText(limits))
    }

    /// The canonical text as [class index: [hard, soft, seconds]].
    static func bufferLimits(_ text: String) -> [[String]] {
        let words = (text.isEmpty ? defaultBufferLimits : text).split(separator: " ").map(String.init)
        return (0..<3).map { Array(words[($0 * 4 + 1)...($0 * 4 + 3)]) }
    }

    static func bufferLimitsText(_ limits: [[String]]) -> String {
        limits.enumerated().map { ([bufferClasses[$0.offset]] + $0.element).joined(separator: " ") }.joined(separator: " ")
    }

    /// setConfigOOMScoreAdjValuesOption: three values in [-2000, 2000].
    static func oomScoreAdjValues(_ arguments: [String]) -> Result<String, Reason> {
        guard arguments.count == 3 else { return .failure(.init("wrong number of arguments")) }
        var values: [String] = []
        for word in arguments {
            let (value, rest, _) = ConfigNumberSyntax.strtoll(word)
            guard rest.isEmpty, value >= -2000, value <= 2000 else {
                return .failure(.init("Invalid oom-score-adj-values, elements must be between -2000 and 2000."))
            }
            values.append(String(value))
        }
        return .success(values.joined(separator: " "))
    }

    /// setConfigReplicaOfOption: `host port` or `no one` (stored as "").
    static func replicaOf(_ arguments: [String]) -> Result<String, Reason> {
        guard arguments.count == 2 else { return .failure(.init("wrong number of arguments")) }
        if arguments[0].caseInsensitiveCompare("no") && arguments[1].caseInsensitiveCompare("one") { return .success("") }
        let (port, rest, _) = ConfigNumberSyntax.strtoll(arguments[1])
        guard rest.isEmpty, port >= 0, port <= 65535 else { return .failure(.init("Invalid master port")) }
        return .success("\(arguments[0]) \(port)")
    }

    /// setConfigLatencyTrackingInfoPercentilesOutputOption: decimals in [0, 100], or `""`.
    static func percentiles(_ arguments: [String]) -> Result<String, Reason> {
        let words = arguments.count == 1 && arguments[0].isEmpty ? [] : arguments
        var values: [String] = []
        for word in words {
            guard let value = string2d(word) else {
                return .failure(.init("Invalid latency-tracking-info-percentiles parameters"))
            }
            guard value >= 0, value <= 100 else {
                return .failure(.init("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"))
            }
            values.append(ConfigNumberSyntax.trimmedDecimal(value))
        }
        return .success(values.joined(separator: " "))
    }

    /// util.c string2d: strtod over the whole text, no leading space, no NaN,
    /// no overflow or underflow.
    static func string2d(_ text: String) -> Double? {
        guard let first = text.utf8.first, !ConfigNumberSyntax.isSpace(first) else { return nil }
        let length = text.utf8.count
        return text.withCString { (start: UnsafePointer<CChar>) -> Double? in
            errno = 0
            var end: UnsafeMutablePointer<CChar>? = nil
            let value = strtod(start, &end)
            let rangeError = errno == ERANGE
            guard let end, UnsafePointer(end) - start == length, !value.isNaN else { return nil }
            if rangeError && (value.isInfinite || value == 0) { return nil }
            return value
        }
    }
}
