import RESP

/// One key specification of a command, as 7.0.15's COMMAND INFO gives it:
/// where the search for keys begins, how keys are found from there, and
/// the flags that tell what the command does to them (RO/RW/OW/RM, access,
/// update, insert, delete, ...), in redis-server's order.
struct KeySpec: Sendable {
    enum Begin: Sendable {
        case index(Int)
        /// The key follows `keyword`, searched from `startFrom` (backwards when negative).
        case keyword(String, startFrom: Int)
        case unknown
    }

    enum Find: Sendable {
        case range(lastKey: Int, step: Int, limit: Int)
        /// A count at `countIndex` (relative to the beginning), keys from `firstKey` on.
        case keyCount(countIndex: Int, firstKey: Int, step: Int)
        case unknown
    }

    let flags: [String]
    let begin: Begin
    let find: Find

    var isIncomplete: Bool { flags.contains("incomplete") }
    var hasVariableFlags: Bool { flags.contains("variable_flags") }
    var isNotKey: Bool { flags.contains("not_key") }

    /// From COMMAND INFO's key-specs element (a RESP2 flat key/value array).
    init?(_ value: RESPValue) {
        guard let fields = Self.fields(value) else { return nil }
        flags = (fields["flags"]?.elements ?? []).compactMap(\.string)
        let beginFields = fields["begin_search"].flatMap(Self.fields) ?? [:]
        let beginSpec = beginFields["spec"].flatMap(Self.fields) ?? [:]
        switch beginFields["type"]?.string {
        case "index": begin = .index(Int(beginSpec["index"]?.int ?? 0))
        case "keyword": begin = .keyword(beginSpec["keyword"]?.string ?? "", startFrom: Int(beginSpec["startfrom"]?.int ?? 0))
        default: begin = .unknown
        }
        let findFields = fields["find_keys"].flatMap(Self.fields) ?? [:]
        let findSpec = findFields["spec"].flatMap(Self.fields) ?? [:]
        switch findFields["type"]?.string {
        case "range":
            find = .range(lastKey: Int(findSpec["lastkey"]?.int ?? 0), step: Int(findSpec["keystep"]?.int ?? 1),
                          limit: Int(findSpec["limit"]?.int ?? 0))
        case "keynum":
            find = .keyCount(countIndex: Int(findSpec["keynumidx"]?.int ?? 0), firstKey: Int(findSpec["firstkey"]?.int ?? 1),
                             step: Int(findSpec["keystep"]?.int ?? 1))
        default: find = .unknown
        }
    }

    private static func fields(_ value: RESPValue) -> [String: RESPValue]? {
        guard let items = value.elements, items.count % 2 == 0 else { return nil }
        var table: [String: RESPValue] = [:]
        for index in stride(from: 0, to: items.count, by: 2) {
            if let name = items[index].string { table[name] = items[index + 1] }
        }
        return table
    }

    /// getKeysUsingKeySpecs for one spec: the key positions it finds in `a`,
    /// or nil where redis-server calls the spec invalid for this request
    /// (a count that is not a number, positions past the request).
    func positions(in a: Arguments, arity: Int) -> [Int]?? {
        var first = 0
        switch begin {
        case .index(let position):
            first = position
        case .keyword(let keyword, let startFrom):
            let start = startFrom > 0 ? startFrom : a.count + startFrom
            let end = startFrom > 0 ? a.count - 1 : 1
            var index = start
            while index != end {
                if index >= a.count || index < 1 { break }
                if a.lowercased(index) == keyword.lowercased() {
                    first = index + 1
                    break
                }
                index += start <= end ? 1 : -1
            }
            // The keyword is not there: this spec finds no key, and is not invalid.
            if first == 0 { return .some(nil) }
        case .unknown:
            return nil
        }
        let last: Int
        let step: Int
        switch find {
        case .range(let lastKey, let keyStep, let limit):
            step = keyStep
            if lastKey >= 0 {
                last = first + lastKey
            } else if limit == 0 {
                last = a.count + lastKey
            } else {
                last = first + ((a.count - first) / limit + lastKey)
            }
        case .keyCount(let countIndex, let firstKey, let keyStep):
            step = keyStep
            guard countIndex < a.count, first + countIndex < a.count,
                  let count = a.integer(first + countIndex), count >= 0, count <= Int64(a.count) else { return nil }
            first += firstKey
            last = first + Int(count) - 1
        case .unknown:
            return nil
        }
        guard last < a.count, last >= first, first < a.count, step > 0 else { return nil }
        // Past the request's end: a variable-arity command's own check will answer.
        return .some(stride(from: first, through: last, by: step).filter { $0 < a.count })
    }
}
