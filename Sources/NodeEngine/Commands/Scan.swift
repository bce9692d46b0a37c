/// SCAN's cursor and options, shared by SCAN, HSCAN, SSCAN and ZSCAN.
enum Scan {
    struct Options {
        var count = 10
        var pattern: [UInt8]?
        var type: String?
    }

    static func cursor(_ a: Arguments, _ index: Int) -> UInt64? {
        let text = a.string(index)
        guard !text.isEmpty, text.allSatisfy(\.isNumber) else { return nil }
        return UInt64(text)
    }

    static func options(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, from start: Int, allowType: Bool) -> Options? {
        var options = Options()
        var index = start
        while index < a.count {
            let remaining = a.count - index - 1
            if a.isWord(index, "count") && remaining >= 1 {
                guard let count = a.integer(index + 1), count >= Int64(Int32.min), count <= Int64(Int32.max) else {
                    e.fail(c, "ERR value is not an integer or out of range")
                    return nil
                }
                guard count >= 1 else {
                    e.fail(c, "ERR syntax error")
                    return nil
                }
                options.count = Int(count)
                index += 2
            } else if a.isWord(index, "match") && remaining >= 1 {
                let pattern = a[index + 1]
                options.pattern = pattern == [UInt8(ascii: "*")] ? nil : pattern
                index += 2
            } else if allowType && a.isWord(index, "type") && remaining >= 1 {
                options.type = a.lowercased(index + 1)
                index += 2
            } else {
                e.fail(c, "ERR syntax error")
                return nil
            }
        }
        return options
    }

    /// Steps through buckets until `count` entries were seen or 10x count buckets visited.
    static func walk(cursor start: UInt64, count: Int, step: (UInt64) -> UInt64, isFull: () -> Bool) -> UInt64 {
        var cursor = start
        var budget = count * 10
        repeat {
            cursor = step(cursor)
            budget -= 1
        } while cursor != 0 && budget > 0 && !isFull()
        return cursor
    }
}
