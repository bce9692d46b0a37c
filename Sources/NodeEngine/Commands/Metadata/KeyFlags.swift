/// Which arguments of a request are keys, with what the command does to
/// each (getKeysFromCommandWithSpecs): from the key specs where they are
/// complete and their flags fixed, else from the command's own key finder
/// (KeyPositions) with the flags that finder gives in 7.0.15.
enum KeyFlags {
    struct Key: Equatable {
        let position: Int
        let flags: [String]
    }

    /// doesCommandHaveKeys.
    static func hasKeys(_ entry: CommandEntry) -> Bool {
        hasKeyFinder(entry) || (entry.metadata?.keySpecs ?? []).contains { !$0.isNotKey }
    }

    static func keys(of entry: CommandEntry, _ a: Arguments) -> [Key] {
        let specs = entry.metadata?.keySpecs ?? []
        if specs.contains(where: { !$0.isNotKey }) && !specs.contains(where: \.hasVariableFlags),
           let found = fromSpecs(specs, a, arity: entry.arity) {
            return found
        }
        return hasKeyFinder(entry) ? fromKeyFinder(entry, a) : []
    }

    /// getKeysUsingKeySpecs; nil when a spec is invalid for the request or incomplete.
    private static func fromSpecs(_ specs: [KeySpec], _ a: Arguments, arity: Int) -> [Key]? {
        var keys: [Key] = []
        for spec in specs where !spec.isNotKey {
            guard let found = spec.positions(in: a, arity: arity) else { return nil }
            keys += (found ?? []).map { Key(position: $0, flags: spec.flags) }
            if spec.isIncomplete { return nil }
        }
        return keys
    }

    /// The commands with a getkeys_proc of their own in 7.0.15.
    private static let keyFinders: Set<String> = [
        "set", "bitfield", "sort", "sort_ro", "migrate", "georadius", "georadiusbymember", "zunionstore", "zinterstore",
        "zdiffstore", "zunion", "zinter", "zdiff", "zintercard", "sintercard", "lmpop", "blmpop", "zmpop", "bzmpop",
        "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro", "xread", "xreadgroup",
    ]

    private static func hasKeyFinder(_ entry: CommandEntry) -> Bool { keyFinders.contains(entry.name) }

    private static let readAccess = ["RO", "access"]
    private static let overwrite = ["OW", "update"]
    private static let readWrite = ["RW", "access", "update"]

    /// The finder's positions, flagged as its 7.0.15 version flags them
    /// (the generic finders, georadius' and xread's flag nothing).
    private static func fromKeyFinder(_ entry: CommandEntry, _ a: Arguments) -> [Key] {
        let positions = KeyPositions.keys(of: entry, a)
        switch entry.name {
        case "set":
            let get = a.count > 3 && (3..<a.count).contains { a.isWord($0, "get") }
            return [Key(position: 1, flags: get ? readWrite : overwrite)]
        case "bitfield":
            return [Key(position: 1, flags: bitfieldIsReadOnly(a) ? readAccess : readWrite)]
        case "sort":
            return positions.map { Key(position: $0, flags: $0 == 1 ? readAccess : overwrite) }
        case "sort_ro":
            return positions.map { Key(position: $0, flags: readAccess) }
        case "migrate":
            return positions.map { Key(position: $0, flags: ["RW", "access", "delete"]) }
        default:
            return positions.map { Key(position: $0, flags: []) }
        }
    }

    /// bitfieldGetKeys: read-only while only GET and OVERFLOW appear.
    private static func bitfieldIsReadOnly(_ a: Arguments) -> Bool {
        var index = 2
        while index < a.count {
            let remaining = a.count - index - 1
            if a.isWord(index, "get") && remaining >= 2 {
                index += 3
            } else if a.isWord(index, "overflow") && remaining >= 1 {
                index += 2
            } else {
                return false
            }
        }
        return true
    }
}
