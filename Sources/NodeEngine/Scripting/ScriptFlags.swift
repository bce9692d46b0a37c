/// What a script declares in its shebang line (`#!lua flags=no-writes,...`),
/// as evalExtractShebangFlags reads it. A script without one runs in the
/// compatibility mode of scripts written before 7.0.
struct ScriptFlags: OptionSet, Hashable {
    let rawValue: UInt8
    static let noWrites = ScriptFlags(rawValue: 1 << 0)
    static let allowOOM = ScriptFlags(rawValue: 1 << 1)
    static let allowStale = ScriptFlags(rawValue: 1 << 2)
    static let noCluster = ScriptFlags(rawValue: 1 << 3)
    static let allowCrossSlot = ScriptFlags(rawValue: 1 << 4)
    /// No shebang: declared nothing, checked as before 7.0.
    static let evalCompatibility = ScriptFlags(rawValue: 1 << 5)

    static let names: [(String, ScriptFlags)] = [
        ("no-writes", .noWrites), ("allow-oom", .allowOOM), ("allow-stale", .allowStale),
        ("no-cluster", .noCluster), ("allow-cross-slot-keys", .allowCrossSlot),
    ]
}

/// A script body's shebang: its flags and how many bytes the line takes
/// (the body runs without them, its line feed kept so that line numbers hold).
struct Shebang: Equatable {
    var flags: ScriptFlags
    var length: Int

    static func parse(_ body: [UInt8]) -> Result<Shebang, ShebangError> {
        guard body.count >= 2, body[0] == UInt8(ascii: "#"), body[1] == UInt8(ascii: "!") else {
            return .success(Shebang(flags: .evalCompatibility, length: 0))
        }
        guard let end = body.firstIndex(of: UInt8(ascii: "\n")) else { return .failure(.invalid("Invalid script shebang")) }
        let words = body[0..<end].withUnsafeBytes { InlineSplitter.split($0) }
        guard let words, let engine = words.first else { return .failure(.invalid("Invalid engine in script shebang")) }
        guard engine == Array("#!lua".utf8) else {
            return .failure(.invalid("Unexpected engine in script shebang: " + String(decoding: engine, as: UTF8.self)))
        }
        var flags: ScriptFlags = []
        for word in words.dropFirst() {
            guard word.starts(with: Array("flags=".utf8)) else {
                return .failure(.invalid("Unknown lua shebang option: " + String(decoding: word, as: UTF8.self)))
            }
            let list = word.dropFirst(6)
            for name in list.isEmpty ? [] : list.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
                let text = String(decoding: name, as: UTF8.self)
                guard let flag = ScriptFlags.names.first(where: { $0.0 == text })?.1 else {
                    return .failure(.invalid("Unexpected flag in script shebang: " + text))
                }
                flags.insert(flag)
            }
        }
        return .success(Shebang(flags: flags, length: end))
    }
}

enum ShebangError: Error, Equatable {
    case invalid(String)

    var message: String {
        switch self { case .invalid(let text): text }
    }
}
