/// Which arguments of a request are keys, as redis-server's
/// getKeysFromCommand finds them for cluster routing and COMMAND GETKEYS:
/// the commands whose keys move about (a key count, a STORE option, KEYS)
/// have their own rule; every other command, its first/last/step range.
enum KeyPositions {
    static func keys(of entry: CommandEntry, _ a: Arguments) -> [Int] {
        switch entry.name {
        case "zunionstore", "zinterstore", "zdiffstore": return counted(store: 1, count: 2, first: 3, a)
        case "zunion", "zinter", "zdiff", "zintercard", "sintercard", "lmpop", "zmpop": return counted(count: 1, first: 2, a)
        case "blmpop", "bzmpop", "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro": return counted(count: 2, first: 3, a)
        case "sort": return sortKeys(a)
        case "sort_ro": return [1]
        case "migrate": return migrateKeys(a)
        case "georadius", "georadiusbymember": return geoRadiusKeys(a)
        default: return range(entry, a)
        }
    }

    /// getKeysUsingLegacyRangeSpec: no keys at all when the range runs past the request.
    private static func range(_ entry: CommandEntry, _ a: Arguments) -> [Int] {
        let first = entry.firstKey
        guard first > 0, entry.step > 0 else { return [] }
        let last = entry.lastKey < 0 ? a.count + entry.lastKey : entry.lastKey
        var keys: [Int] = []
        for position in stride(from: first, through: last, by: entry.step) {
            guard position < a.count, position >= first else { return [] }
            keys.append(position)
        }
        return keys
    }

    /// genericGetKeys: `count` keys from `first`, and the destination; none
    /// when the count (read as atoi reads it) does not fit the request.
    private static func counted(store: Int = 0, count: Int, first: Int, _ a: Arguments) -> [Int] {
        guard count < a.count else { return [] }
        let number = atoi(a, count)
        guard number >= 1, number <= a.count - first else { return [] }
        var keys = Array(first..<(first + number))
        if store > 0 { keys.append(store) }
        return keys
    }

    private static func sortKeys(_ a: Arguments) -> [Int] {
        var keys = [1]
        var store: Int?
        var index = 2
        while index < a.count {
            if a.isWord(index, "limit") { index += 2 }
            else if a.isWord(index, "get") || a.isWord(index, "by") { index += 1 }
            else if a.isWord(index, "store"), index + 1 < a.count { store = index + 1 }
            index += 1
        }
        if let store { keys.append(store) }
        return keys
    }

    private static func migrateKeys(_ a: Arguments) -> [Int] {
        var first = 3, number = 1
        var index = 6
        while a.count > 6 && index < a.count {
            if a.isWord(index, "keys") {
                if a.length(3) > 0 { number = 0 } else { first = index + 1; number = a.count - first }
                break
            }
            if a.isWord(index, "auth") { index += 1 } else if a.isWord(index, "auth2") { index += 2 }
            index += 1
        }
        return Array(first..<(first + number))
    }

    private static func geoRadiusKeys(_ a: Arguments) -> [Int] {
        var stored: Int?
        var index = 5
        while index < a.count {
            if (a.isWord(index, "store") || a.isWord(index, "storedist")) && index + 1 < a.count {
                stored = index + 1
                index += 1
            }
            index += 1
        }
        return [1] + (stored.map { [$0] } ?? [])
    }

    /// C's atoi: optional spaces and sign, then digits up to the first other byte.
    private static func atoi(_ a: Arguments, _ index: Int) -> Int {
        a.withBytes(index) { bytes in
            var position = 0
            while position < bytes.count, bytes[position] == 32 || (9...13).contains(bytes[position]) { position += 1 }
            var negative = false
            if position < bytes.count, bytes[position] == UInt8(ascii: "-") || bytes[position] == UInt8(ascii: "+") {
                negative = bytes[position] == UInt8(ascii: "-")
                position += 1
            }
            var value = 0
            while position < bytes.count, (48...57).contains(bytes[position]), value < Int(Int32.max) {
                value = value * 10 + Int(bytes[position] - 48)
                position += 1
            }
            return negative ? -value : value
        }
    }
}
