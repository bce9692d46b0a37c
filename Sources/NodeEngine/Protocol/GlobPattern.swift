/// redis-server's glob matching (util.c stringmatchlen): `*`, `?`, `[abc]`,
/// `[^abc]`, `[a-z]` and `\x` escapes, for KEYS, SCAN MATCH, CONFIG GET and
/// PSUBSCRIBE. Once a `*` failed against every suffix, longer matches are
/// skipped, which keeps abusive patterns linear as in redis-server.
public enum GlobPattern {
    public static func matches(_ pattern: [UInt8], _ string: [UInt8], caseInsensitive: Bool = false) -> Bool {
        pattern.withUnsafeBufferPointer { p in
            string.withUnsafeBufferPointer { s in
                var skipLonger = false
                return match(p, 0, s, 0, caseInsensitive, &skipLonger, depth: 0)
            }
        }
    }

    private static func match(_ pattern: UnsafeBufferPointer<UInt8>, _ pStart: Int, _ string: UnsafeBufferPointer<UInt8>, _ sStart: Int,
                              _ nocase: Bool, _ skipLonger: inout Bool, depth: Int) -> Bool {
        guard depth <= 1000 else { return false }
        var p = pStart, s = sStart
        let pEnd = pattern.count, sEnd = string.count
        func lower(_ byte: UInt8) -> UInt8 { nocase ? asciiLower(byte) : byte }
        while p < pEnd && s < sEnd {
            switch pattern[p] {
            case UInt8(ascii: "*"):
                while p + 1 < pEnd && pattern[p + 1] == UInt8(ascii: "*") { p += 1 }
                if p + 1 == pEnd { return true }
                while s < sEnd {
                    if match(pattern, p + 1, string, s, nocase, &skipLonger, depth: depth + 1) { return true }
                    if skipLonger { return false }
                    s += 1
                }
                skipLonger = true
                return false
            case UInt8(ascii: "?"):
                s += 1
            case UInt8(ascii: "["):
                p += 1
                let negate = p < pEnd && pattern[p] == UInt8(ascii: "^")
                if negate { p += 1 }
                var matched = false
                while true {
                    if p < pEnd && pattern[p] == UInt8(ascii: "\\") && pEnd - p >= 2 {
                        p += 1
                        if pattern[p] == string[s] { matched = true }
                    } else if p < pEnd && pattern[p] == UInt8(ascii: "]") {
                        break
                    } else if p >= pEnd {
                        p -= 1
                        break
                    } else if pEnd - p >= 3 && pattern[p + 1] == UInt8(ascii: "-") {
                        var start = lower(pattern[p]), end = lower(pattern[p + 2])
                        if start > end { swap(&start, &end) }
                        p += 2
                        let c = lower(string[s])
                        if c >= start && c <= end { matched = true }
                    } else if lower(pattern[p]) == lower(string[s]) {
                        matched = true
                    }
                    p += 1
                }
                if negate { matched.toggle() }
                if !matched { return false }
                s += 1
            default:
                if pattern[p] == UInt8(ascii: "\\") && pEnd - p >= 2 { p += 1 }
                if lower(pattern[p]) != lower(string[s]) { return false }
                s += 1
            }
            p += 1
            if s == sEnd {
                while p < pEnd && pattern[p] == UInt8(ascii: "*") { p += 1 }
                break
            }
        }
        return p == pEnd && s == sEnd
    }
}
