/// The 7.0 multi-part AOF's manifest (`<appendfilename>.manifest` in
/// `appenddirname`): which files make the dataset and in what order. One
/// line per file, `file <name> seq <n> type <b|h|i>`: at most one base (b),
/// history files (h) that a finished rewrite left for deletion, and the
/// incremental files (i) in load order with increasing sequence numbers.
/// Parsed and printed as aofLoadManifestFromFile and getAofManifestAsString do.
public struct AOFManifest: Equatable, Sendable {
    public enum Kind: Character, Sendable {
        case base = "b", history = "h", incremental = "i"
    }

    public struct File: Equatable, Sendable {
        public var name: String
        public var sequence: Int64
        public var kind: Kind

        public init(name: String, sequence: Int64, kind: Kind) {
            self.name = name
            self.sequence = sequence
            self.kind = kind
        }
    }

    public var base: File?
    public var history: [File] = []
    public var incrementals: [File] = []
    /// The sequence numbers last handed out (curr_base_file_seq, curr_incr_file_seq).
    public var baseSequence: Int64 = 0
    public var incrementalSequence: Int64 = 0
    /// Changed since it was last written (persistAofManifest writes only then).
    public var dirty = false

    public init() {}

    /// Why a manifest cannot be loaded: redis-server logs the line and exits.
    public struct Failure: Error, Equatable, CustomStringConvertible {
        /// The line's number (from 1) and its text (trimmed), when one line is at fault.
        public let line: Int?
        public let text: String?
        public let reason: String

        public var description: String {
            line.map { "line \($0) ('\(text ?? "")'): \(reason)" } ?? reason
        }

        /// The lines redis-server logs before exiting, in its words.
        public var logLines: [String] {
            var lines = ["\n*** FATAL AOF MANIFEST FILE ERROR ***\n"]
            if let line, let text {
                lines += ["Reading the manifest file, at line \(line)\n", ">>> '\(text)'\n"]
            }
            return lines + ["\(reason)\n"]
        }
    }

    // MARK: Names

    public static func manifestName(_ fileName: String) -> String { fileName + ".manifest" }
    public static func temporaryManifestName(_ fileName: String) -> String { "temp-" + fileName + ".manifest" }
    /// The incr file a first rewrite (CONFIG SET appendonly yes) writes into until it ends.
    public static func temporaryIncrementalName(_ fileName: String) -> String { "temp-" + fileName + ".incr" }

    /// getNewBaseFileNameAndMarkPreAsHistory: the next base's name; the
    /// current base becomes history (listed first among it).
    public mutating func newBase(fileName: String, rdbPreamble: Bool) -> String {
        if var old = base {
            old.kind = .history
            history.insert(old, at: 0)
        }
        baseSequence += 1
        let name = "\(fileName).\(baseSequence).base\(rdbPreamble ? ".rdb" : ".aof")"
        base = File(name: name, sequence: baseSequence, kind: .base)
        dirty = true
        return name
    }

    /// getNewIncrAofName: a new incr file at the end of the list.
    public mutating func newIncremental(fileName: String) -> String {
        incrementalSequence += 1
        let name = "\(fileName).\(incrementalSequence).incr.aof"
        incrementals.append(File(name: name, sequence: incrementalSequence, kind: .incremental))
        dirty = true
        return name
    }

    /// getLastIncrAofName: the incr file appended to, a new one when there is none.
    public mutating func lastIncremental(fileName: String) -> String {
        incrementals.last?.name ?? newIncremental(fileName: fileName)
    }

    /// markRewrittenIncrAofAsHistory: after a rewrite, every incr file but
    /// the one being written (when one is) holds what the new base holds.
    public mutating func markRewrittenIncrementalsAsHistory(keepingLast: Bool) {
        guard !incrementals.isEmpty else { return }
        let kept = keepingLast ? [incrementals.removeLast()] : []
        // Walked from the tail, each put at the head: history keeps their order.
        history = incrementals.map { File(name: $0.name, sequence: $0.sequence, kind: .history) } + history
        incrementals = kept
        dirty = true
    }

    // MARK: Text

    /// getAofManifestAsString: the base, then history, then incr files.
    public var text: String {
        var text = ""
        for file in (base.map { [$0] } ?? []) + history + incrementals {
            let bytes = Array(file.name.utf8)
            let name = Self.needsRepresentation(bytes) ? ServerConfig.representation(bytes: bytes) : file.name
            text += "file \(name) seq \(file.sequence) type \(file.kind.rawValue)\n"
        }
        return text
    }

    /// sdsneedsrepr: anything not printable, a space, a backslash or a quote.
    static func needsRepresentation(_ bytes: [UInt8]) -> Bool {
        bytes.contains { $0 < 33 || $0 > 126 || $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") }
    }

    /// aofLoadManifestFromFile, line by line as its fgets reads them (at
    /// most 1024 bytes): comments skipped, every other line 6 or more words
    /// in pairs, the three keys present, one base, increasing incr numbers.
    public static func parse(_ bytes: [UInt8]) throws(Failure) -> AOFManifest {
        var manifest = AOFManifest()
        var maximumSequence: Int64 = 0
        var lineNumber = 0
        var offset = 0
        let limit = 1024
        while offset < bytes.count {
            let end = bytes[offset..<min(bytes.count, offset + limit)].firstIndex(of: 10).map { $0 + 1 } ?? min(bytes.count, offset + limit)
            var chunk = Array(bytes[offset..<end])
            offset = end
            lineNumber += 1
            // A C string: a NUL ends it.
            if let nul = chunk.firstIndex(of: 0) { chunk.removeSubrange(nul...) }
            if chunk.first == UInt8(ascii: "#") { continue }
            guard chunk.contains(10) else {
                throw Failure(line: lineNumber, text: nil, reason: "The AOF manifest file contains too long line")
            }
            let trimmed = trim(chunk)
            let text = String(decoding: trimmed, as: UTF8.self)
            func failure(_ reason: String) -> Failure { Failure(line: lineNumber, text: text, reason: reason) }
            guard !trimmed.isEmpty else { throw failure("Invalid AOF manifest file format") }
            guard let words = trimmed.withUnsafeBytes({ InlineSplitter.split($0) }), words.count >= 6, words.count % 2 == 0 else {
                throw failure("Invalid AOF manifest file format")
            }
            var name: String?
            var sequence: Int64 = 0
            var type: UInt8 = 0
            for index in stride(from: 0, to: words.count, by: 2) {
                let key = String(decoding: words[index], as: UTF8.self).lowercased()
                let value = words[index + 1]
                switch key {
                case "file":
                    let prefix = value.prefix { $0 != 0 }
                    guard !prefix.contains(UInt8(ascii: "/")) && !prefix.contains(UInt8(ascii: "\\")) else {
                        throw failure("File can't be a path, just a filename")
                    }
                    name = String(decoding: prefix, as: UTF8.self)
                case "seq":
                    sequence = atoll(value)
                case "type":
                    type = value.first ?? 0
                default:
                    break
                }
            }
            guard let name, sequence != 0, type != 0 else { throw failure("Invalid AOF manifest file format") }
            switch type {
            case UInt8(ascii: "b"):
                guard manifest.base == nil else { throw failure("Found duplicate base file information") }
                manifest.base = File(name: name, sequence: sequence, kind: .base)
                manifest.baseSequence = sequence
            case UInt8(ascii: "h"):
                manifest.history.append(File(name: name, sequence: sequence, kind: .history))
            case UInt8(ascii: "i"):
                guard sequence > maximumSequence else { throw failure("Found a non-monotonic sequence number") }
                manifest.incrementals.append(File(name: name, sequence: sequence, kind: .incremental))
                manifest.incrementalSequence = sequence
                maximumSequence = sequence
            default:
                throw failure("Unknown AOF file type")
            }
        }
        if lineNumber == 0 { throw Failure(line: nil, text: nil, reason: "Found an empty AOF manifest") }
        return manifest
    }

    /// sdstrim with " \t\r\n".
    private static func trim(_ bytes: [UInt8]) -> [UInt8] {
        let space: Set<UInt8> = [32, 9, 13, 10]
        guard let first = bytes.firstIndex(where: { !space.contains($0) }) else { return [] }
        let last = bytes.lastIndex { !space.contains($0) }!
        return Array(bytes[first...last])
    }

    /// C's atoll: optional spaces and sign, then digits up to the first other byte.
    static func atoll(_ bytes: [UInt8]) -> Int64 {
        var index = 0
        while index < bytes.count && (bytes[index] == 32 || (bytes[index] >= 9 && bytes[index] <= 13)) { index += 1 }
        var negative = false
        if index < bytes.count && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")) {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var value: Int64 = 0
        while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
            value = value &* 10 &+ Int64(bytes[index] - 48)
            index += 1
        }
        return negative ? -value : value
    }
}
