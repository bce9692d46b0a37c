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

    /// A valid LZF stream for `input` (greedy matching through a hash of
    /// three bytes), or nil when it would not be smaller.
    public static func compress(_ input: [UInt8]) -> [UInt8]? {
        guard input.count > 4 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var table = [Int](repeating: -1, count: 1 << 14)
        var literals: [UInt8] = []
        func flushLiterals() {
            var start = 0
            while start < literals.count {
                let count = min(32, literals.count - start)
                output.append(UInt8(count - 1))
                output.append(contentsOf: literals[start..<(start + count)])
                start += count
            }
            literals.removeAll(keepingCapacity: true)
        }
        var index = 0
        while index < input.count {
            if index + 2 < input.count {
                let hash = (Int(input[index]) << 8 ^ Int(input[index + 1]) << 4 ^ Int(input[index + 2])) & ((1 << 14) - 1)
                let candidate = table[hash]
                table[hash] = index
                if candidate >= 0, index - candidate <= 8192,
                   input[candidate] == input[index], input[candidate + 1] == input[index + 1], input[candidate + 2] == input[index + 2] {
                    var length = 3
                    while index + length < input.count, length < 264, input[candidate + length] == input[index + length] { length += 1 }
                    flushLiterals()
                    let distance = index - candidate - 1
                    let encoded = length - 2
                    if encoded < 7 {
                        output.append(UInt8(encoded << 5 | distance >> 8))
                    } else {
                        output.append(UInt8(7 << 5 | distance >> 8))
                        output.append(UInt8(encoded - 7))
                    }
                    output.append(UInt8(distance & 0xFF))
                    index += length
                    continue
                }
            }
            literals.append(input[index])
            index += 1
        }
        flushLiterals()
        return output.count < input.count ? output : nil
    }
}
