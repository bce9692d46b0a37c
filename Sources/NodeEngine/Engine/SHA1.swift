/// SHA-1 (FIPS 180-1), for DEBUG DIGEST's dataset fingerprint, which
/// redis-server builds from SHA-1 sums; not used for anything secret.
enum SHA1 {
    static func hash(_ message: UnsafeRawBufferPointer) -> [UInt8] {
        var h: (UInt32, UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0)
        var data = Array(message)
        let bitLength = UInt64(data.count) * 8
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { data.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        var w = [UInt32](repeating: 0, count: 80)
        for chunk in stride(from: 0, to: data.count, by: 64) {
            for i in 0..<16 {
                let offset = chunk + i * 4
                w[i] = UInt32(data[offset]) << 24 | UInt32(data[offset + 1]) << 16 | UInt32(data[offset + 2]) << 8 | UInt32(data[offset + 3])
            }
            for i in 16..<80 { w[i] = rotate(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1) }
            var (a, b, c, d, e) = h
            for i in 0..<80 {
                let (f, k): (UInt32, UInt32)
                switch i {
                case 0..<20: (f, k) = ((b & c) | (~b & d), 0x5A82_7999)
                case 20..<40: (f, k) = (b ^ c ^ d, 0x6ED9_EBA1)
                case 40..<60: (f, k) = ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
                default: (f, k) = (b ^ c ^ d, 0xCA62_C1D6)
                }
                let temp = rotate(a, 5) &+ f &+ e &+ k &+ w[i]
                (e, d, c, b, a) = (d, c, rotate(b, 30), a, temp)
            }
            h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e)
        }
        return [h.0, h.1, h.2, h.3, h.4].flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (24 - 8 * $0)) } }
    }

    static func hash(_ bytes: [UInt8]) -> [UInt8] { bytes.withUnsafeBytes { hash($0) } }

    private static func rotate(_ value: UInt32, _ count: UInt32) -> UInt32 { value << count | value >> (32 - count) }
}

/// debug.c's digest mixing: xor a SHA-1 into a digest (order-free), or
/// xor and then hash the digest itself (order matters).
struct Digest {
    var bytes = [UInt8](repeating: 0, count: 20)

    mutating func xor(_ data: [UInt8]) {
        let sum = SHA1.hash(data)
        for index in 0..<20 { bytes[index] ^= sum[index] }
    }

    mutating func mix(_ data: [UInt8]) {
        xor(data)
        bytes = SHA1.hash(bytes)
    }

    var hex: String { bytes.map { String($0, radix: 16).leftPadded(2) }.joined() }
}

extension NodeEngine {
    /// xorObjectDigest: one key's value (and whether it expires).
    func digest(of value: Value, expires: Bool, into digest: inout Digest) {
        let type: UInt32
        switch value {
        case .string: type = 0
        case .list: type = 1
        case .set: type = 2
        case .zset: type = 3
        case .hash: type = 4
        case .stream: type = 6
        }
        digest.mix([0, 0, 0, UInt8(type)])
        switch value {
        case .string(let string): digest.mix(string.bytes)
        case .list(let list): for item in list.items { digest.mix(item) }
        case .set(let set): for member in set.members { digest.xor(member) }
        case .zset(let zset):
            for entry in zset.allEntries {
                var element = Digest()
                element.mix(entry.member)
                element.mix(Array(ReplyBuffer.format17g(entry.score).utf8))
                digest.xor(element.bytes)
            }
        case .hash(let hash):
            for pair in hash.pairs {
                var element = Digest()
                element.mix(pair.field)
                element.mix(pair.value)
                digest.xor(element.bytes)
            }
        case .stream(let stream):
            stream.forEach(from: .zero, to: .max) { node, entry in
                digest.mix(Array("\(entry.id.ms).\(entry.id.seq)".utf8))
                for element in node.pairs(entry) { digest.mix(element) }
                return true
            }
        }
        if expires { digest.xor(Array("!!expire!!".utf8)) }
    }

    /// computeDatasetDigest: every database's keys, xor'd (order-free), each DB id mixed in.
    func datasetDigest() -> Digest {
        var final = Digest()
        for (id, database) in databases.enumerated() where database.count > 0 {
            final.mix([UInt8(truncatingIfNeeded: id >> 24), UInt8(truncatingIfNeeded: id >> 16),
                       UInt8(truncatingIfNeeded: id >> 8), UInt8(truncatingIfNeeded: id)])
            for index in 0..<database.count {
                let key = database.table.key(at: index)
                var entry = Digest()
                entry.mix(key)
                digest(of: database.table[value: index], expires: database.expireTime(key) != nil, into: &entry)
                final.xor(entry.bytes)
            }
        }
        return final
    }
}
