/// notify-keyspace-events: which classes of key changes are published,
/// with redis-server's bits and letters (notify.c).
struct KeyspaceEvents: OptionSet, Sendable {
    let rawValue: Int

    init(rawValue: Int) { self.rawValue = rawValue }

    static let keyspace = KeyspaceEvents(rawValue: 1 << 0)  // K
    static let keyevent = KeyspaceEvents(rawValue: 1 << 1)  // E
    static let generic = KeyspaceEvents(rawValue: 1 << 2)  // g
    static let strings = KeyspaceEvents(rawValue: 1 << 3)  // $
    static let lists = KeyspaceEvents(rawValue: 1 << 4)  // l
    static let sets = KeyspaceEvents(rawValue: 1 << 5)  // s
    static let hashes = KeyspaceEvents(rawValue: 1 << 6)  // h
    static let zsets = KeyspaceEvents(rawValue: 1 << 7)  // z
    static let expired = KeyspaceEvents(rawValue: 1 << 8)  // x
    static let evicted = KeyspaceEvents(rawValue: 1 << 9)  // e
    static let stream = KeyspaceEvents(rawValue: 1 << 10)  // t
    /// m: not part of A, since every read miss would publish.
    static let keyMiss = KeyspaceEvents(rawValue: 1 << 11)
    static let module = KeyspaceEvents(rawValue: 1 << 13)  // d
    static let new = KeyspaceEvents(rawValue: 1 << 14)  // n
    static let all: KeyspaceEvents = [.generic, .strings, .lists, .sets, .hashes, .zsets, .expired, .evicted, .stream, .module]

    private static let classLetters: [(Character, KeyspaceEvents)] = [
        ("g", .generic), ("$", .strings), ("l", .lists), ("s", .sets), ("h", .hashes), ("z", .zsets), ("x", .expired),
        ("e", .evicted), ("t", .stream), ("d", .module), ("n", .new),
    ]

    /// keyspaceEventsStringToFlags: nil for a letter that names no class.
    init?(letters text: String) {
        var flags: KeyspaceEvents = []
        for letter in text {
            switch letter {
            case "A": flags.formUnion(.all)
            case "K": flags.formUnion(.keyspace)
            case "E": flags.formUnion(.keyevent)
            case "m": flags.formUnion(.keyMiss)
            default:
                guard let found = Self.classLetters.first(where: { $0.0 == letter }) else { return nil }
                flags.formUnion(found.1)
            }
        }
        self = flags
    }

    /// keyspaceEventsFlagsToString: what CONFIG GET shows ("A" stands for all of its classes, n included).
    var letters: String {
        var text = ""
        if isSuperset(of: .all) {
            text = "A"
        } else {
            for (letter, flag) in Self.classLetters where contains(flag) { text.append(letter) }
        }
        if contains(.keyspace) { text += "K" }
        if contains(.keyevent) { text += "E" }
        if contains(.keyMiss) { text += "m" }
        return text
    }

    /// Nothing is published unless K or E says where.
    var publishesAnything: Bool { !isDisjoint(with: [.keyspace, .keyevent]) }
}
