/// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]: the longest
/// common subsequence by dynamic programming, with the matched ranges
/// reported from the end of the strings backwards, as redis-server reports them.
enum LCSCommand {
    static func lcs(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let first = e.read(c, a[1]), second = e.read(c, a[2])
        var strings: [[UInt8]] = []
        for value in [first, second] {
            switch value {
            case nil: strings.append([])
            case .string(let string): strings.append(string.bytes)
            default: return e.fail(c, "ERR The specified keys must contain string values")
            }
        }
        var getLength = false, getIndexes = false, withMatchLength = false
        var minimumMatch: Int64 = 0
        var index = 3
        while index < a.count {
            if a.isWord(index, "idx") { getIndexes = true }
            else if a.isWord(index, "len") { getLength = true }
            else if a.isWord(index, "withmatchlen") { withMatchLength = true }
            else if a.isWord(index, "minmatchlen") && index + 1 < a.count {
                guard let value = a.integer(index + 1) else { return e.fail(c, "ERR value is not an integer or out of range") }
                minimumMatch = max(0, value)
                index += 1
            } else {
                return e.fail(c, "ERR syntax error")
            }
            index += 1
        }
        if getLength && getIndexes { return e.fail(c, "ERR If you want both the length and indexes, please just use IDX.") }
        let x = strings[0], y = strings[1]
        let width = y.count + 1
        guard (x.count + 1) * width * 4 <= Int(e.config.integer("proto-max-bulk-len")) else {
            return e.fail(c, "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")
        }
        var table = [UInt32](repeating: 0, count: (x.count + 1) * width)
        for i in stride(from: 1, through: x.count, by: 1) {
            for j in stride(from: 1, through: y.count, by: 1) {
                table[i * width + j] = x[i - 1] == y[j - 1] ? table[(i - 1) * width + j - 1] + 1
                    : max(table[(i - 1) * width + j], table[i * width + j - 1])
            }
        }
        let length = Int(table[x.count * width + y.count])
        if getLength && !getIndexes { return c.reply.integer(length) }
        var result = [UInt8](repeating: 0, count: length)
        var matches: [(a: (Int, Int), b: (Int, Int), length: Int)] = []
        var remaining = length
        var i = x.count, j = y.count
        var range: (aStart: Int, aEnd: Int, bStart: Int, bEnd: Int)?
        while i > 0 && j > 0 {
            var emit = false
            if x[i - 1] == y[j - 1] {
                result[remaining - 1] = x[i - 1]
                if let current = range {
                    if current.aStart == i && current.bStart == j {
                        range = (current.aStart - 1, current.aEnd, current.bStart - 1, current.bEnd)
                    } else {
                        emit = true
                    }
                } else {
                    range = (i - 1, i - 1, j - 1, j - 1)
                }
                if let current = range, current.aStart == 0 || current.bStart == 0 { emit = true }
                remaining -= 1
                i -= 1
                j -= 1
            } else {
                if table[(i - 1) * width + j] > table[i * width + j - 1] { i -= 1 } else { j -= 1 }
                if range != nil { emit = true }
            }
            if emit, let current = range {
                let matchLength = current.aEnd - current.aStart + 1
                if minimumMatch == 0 || Int64(matchLength) >= minimumMatch {
                    matches.append(((current.aStart, current.aEnd), (current.bStart, current.bEnd), matchLength))
                }
                range = nil
            }
        }
        guard getIndexes else { return c.reply.bulk(result) }
        c.reply.map(2)
        c.reply.bulk("matches")
        c.reply.array(matches.count)
        for match in matches {
            c.reply.array(withMatchLength ? 3 : 2)
            c.reply.array(2)
            c.reply.integer(match.a.0)
            c.reply.integer(match.a.1)
            c.reply.array(2)
            c.reply.integer(match.b.0)
            c.reply.integer(match.b.1)
            if withMatchLength { c.reply.integer(match.length) }
        }
        c.reply.bulk("len")
        c.reply.integer(length)
    }
}
