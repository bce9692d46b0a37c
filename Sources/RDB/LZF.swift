/// LZF, as Redis stores long strings in RDB payloads (lzf_d.c's format).
public enum LZF {
    /// The original bytes, or nil when the data does not decode to exactly
    /// `length` bytes (a corrupt payload).
    public static func decompress(_ input: [UInt8], length: Int) -> [UInt8]? {
        guard length >= 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(length)
        var index = 0
        while index < input.count {
            let control = Int(input[index])
            index += 1
            if control < 32 {
                let count = control + 1
                guard index + count <= input.count, output.count + count <= length else { return nil }
                output.append(contentsOf: input[index..<(index + count)])
                index += count
            } else {
                var count = control >> 5
                if count == 7 {
                    guard index < input.count else { return nil }
                    count += Int(input[index])
                    index += 1
                }
                guard index < input.count else { return nil }
                let distance = ((control & 0x1F) << 8) + Int(input[index]) + 1
                index += 1
                count += 2
                guard distance <= output.count, output.count + count <= length else { return nil }
                let start = output.count - distance
                for offset in 0..<count { output.append(output[start + offset]) }
            }
        }
        return output.count == length ? output : nil
    }

    /// `input` compressed as redis-server's lzf_c.c compresses it (HLOG 16,
    /// VERY_FAST: a three-byte hash, the bytes around each match's end
    /// hashed again), so that DUMP payloads and RDB files come out the same
    /// bytes; nil when it would not be smaller. (redis-server leaves its hash
    /// table uninitialised, so a stale entry can in rare cases give it an
    /// earlier match than this fresh table does: both decode the same.)
    /// nil when it does not fit in 4 bytes less than the input, which is
    /// when rdbSaveLzfStringObject stores the string as it is (lzf_c's own
    /// conservative checks of its output's room included).
    public static func compress(_ input: [UInt8]) -> [UInt8]? {
        guard input.count > 4 else { return nil }
        let room = input.count - 4
        let hashSize = 1 << 16, maxLiteral = 32, maxOffset = 1 << 13, maxReference = (1 << 8) + (1 << 3)
        var table = [Int](repeating: 0, count: hashSize)
        var output = [UInt8](repeating: 0, count: 1)   // the first run's length byte
        output.reserveCapacity(input.count + 8)
        let end = input.count
        func index(_ h: UInt32) -> Int { Int(((h >> 8) &- h &* 5) & UInt32(hashSize - 1)) }
        func next(_ h: UInt32, _ at: Int) -> UInt32 { (h << 8) | UInt32(input[at + 2]) }
        var literals = 0
        var ip = 0
        var hash = UInt32(input[0]) << 8 | UInt32(input[1])
        func startRun() { output.append(0); literals = 0 }
        func stopRun() { output[output.count - literals - 1] = UInt8(truncatingIfNeeded: literals - 1) }
        func copyLiteral() {
            literals += 1
            output.append(input[ip])
            ip += 1
            if literals == maxLiteral {
                stopRun()
                startRun()
            }
        }
        while ip < end - 2 {
            hash = next(hash, ip)
            let slot = index(hash)
            let reference = table[slot]
            table[slot] = ip
            let offset = ip - reference - 1
            if offset >= 0, offset < maxOffset, reference > 0,
               input[reference + 2] == input[ip + 2], input[reference] == input[ip], input[reference + 1] == input[ip + 1] {
                var length = 2
                let maxLength = min(end - ip - length, maxReference)
                if output.count + 4 >= room && output.count - (literals == 0 ? 1 : 0) + 4 >= room { return nil }
                stopRun()
                if literals == 0 { output.removeLast() }   // an empty run is undone
                repeat { length += 1 } while length < maxLength && input[reference + length] == input[ip + length]
                length -= 2
                ip += 1
                if length < 7 {
                    output.append(UInt8(offset >> 8) + UInt8(length << 5))
                } else {
                    output.append(UInt8(offset >> 8) + (7 << 5))
                    output.append(UInt8(length - 7))
                }
                output.append(UInt8(truncatingIfNeeded: offset))
                startRun()
                ip += length + 1
                if ip >= end - 2 { break }
                ip -= 2
                hash = UInt32(input[ip]) << 8 | UInt32(input[ip + 1])
                hash = next(hash, ip)
                table[index(hash)] = ip
                ip += 1
                hash = next(hash, ip)
                table[index(hash)] = ip
                ip += 1
            } else {
                if output.count >= room { return nil }
                copyLiteral()
            }
        }
        if output.count + 3 > room { return nil }
        while ip < end { copyLiteral() }
        stopRun()
        if literals == 0 { output.removeLast() }
        return output
    }
}
