/// PFDEBUG and PFSELFTEST: the introspection Redis's own tests (and
/// anyone checking an HLL's encoding) rely on, with redis-server's replies.
extension HyperLogLogCommands {
    static let debugCommands: [(String, CommandHandler)] = [("pfdebug", pfdebug), ("pfselftest", pfselftest)]

    static func pfdebug(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let subcommand = a.string(1)
        let key = a[2]
        guard e.lookup(c, key) != nil else { return e.fail(c, "ERR The specified key does not exist") }
        guard let found = load(e, c, key, write: true), var hll = found else { return }
        let known: Set<String> = ["getreg", "decode", "encoding", "todense"]
        if known.contains(subcommand.lowercased()) && a.count != 3 {
            return e.fail(c, "ERR Wrong number of arguments for the '\(subcommand)' subcommand")
        }
        switch subcommand.lowercased() {
        case "getreg":
            if !hll.isDense {
                guard (try? hll.toDense()) != nil else { return e.fail(c, corrupted) }
                storeConverted(e, c, key, hll)
            }
            c.reply.array(HyperLogLog.registers)
            for register in 0..<HyperLogLog.registers { c.reply.integer(Int64(hll.denseRegister(register))) }
        case "decode":
            guard !hll.isDense else { return e.fail(c, "ERR HLL encoding is not sparse") }
            c.reply.bulk(Array(hll.decodedOpcodes().utf8))
        case "encoding":
            c.reply.simple(hll.isDense ? "dense" : "sparse")
        case "todense":
            guard !hll.isDense else { return c.reply.integer(0) }
            guard (try? hll.toDense()) != nil else { return e.fail(c, corrupted) }
            storeConverted(e, c, key, hll)
            c.reply.integer(1)
        default:
            e.fail(c, "ERR Unknown PFDEBUG subcommand '\(subcommand)'")
        }
    }

    /// A conversion to dense changes the bytes, not the cardinality: it is
    /// propagated (dirty) like any write, and the TTL stays.
    private static func storeConverted(_ e: NodeEngine, _ c: ClientSession, _ key: [UInt8], _ hll: HyperLogLog) {
        e.store(c, key, .string(.raw(hll.bytes)), keepTTL: true)
    }

    /// PFSELFTEST: registers keep what is written to them without touching
    /// their neighbours, and sparse and dense agree and stay within six
    /// standard errors as elements are added.
    static func pfselftest(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        var generator = e.random
        defer { e.random = generator }
        var dense = HyperLogLog.emptyDense()
        var expected = [UInt8](repeating: 0, count: HyperLogLog.registers)
        for _ in 0..<64 {
            for register in 0..<HyperLogLog.registers {
                let value = UInt8(truncatingIfNeeded: generator.next() & 63)
                expected[register] = value
                dense.setDenseRegister(register, value)
            }
            for register in 0..<HyperLogLog.registers where dense.denseRegister(register) != expected[register] {
                return e.fail(c, "TESTFAILED Register \(register) should be \(expected[register]) but is \(dense.denseRegister(register))")
            }
        }
        dense = HyperLogLog.emptyDense()
        var sparse = HyperLogLog.empty()
        let sparseLimit = Int(e.config.integer("hll-sparse-max-bytes"))
        let relativeError = 1.04 / Double(HyperLogLog.registers).squareRoot()
        let seed = generator.next()
        var checkpoint: UInt64 = 1
        var element = [UInt8](repeating: 0, count: 8)
        for index in UInt64(1)...10_000_000 {
            let word = index ^ seed
            for byte in 0..<8 { element[byte] = UInt8(truncatingIfNeeded: word >> (8 * byte)) }
            do {
                _ = try dense.add(element, sparseMaxBytes: sparseLimit)
                _ = try sparse.add(element, sparseMaxBytes: sparseLimit)
            } catch {
                return e.fail(c, "TESTFAILED sparse representation corrupted")
            }
            guard index == checkpoint else { continue }
            if index < UInt64(sparseLimit / 2) && sparse.isDense { return e.fail(c, "TESTFAILED sparse encoding not used") }
            let denseCount = HyperLogLog.count((try? dense.registerValues()) ?? [])
            guard let sparseValues = try? sparse.registerValues(), HyperLogLog.count(sparseValues) == denseCount else {
                return e.fail(c, "TESTFAILED dense/sparse disagree")
            }
            let error = denseCount > checkpoint ? denseCount - checkpoint : checkpoint - denseCount
            let allowed = index == 10 ? 1 : UInt64((relativeError * 6 * Double(checkpoint)).rounded(.up))
            if error > allowed { return e.fail(c, "TESTFAILED Too big error. card:\(checkpoint) abserr:\(error)") }
            checkpoint *= 10
        }
        c.reply.ok()
    }
}

extension HyperLogLog {
    static func emptyDense() -> HyperLogLog {
        var bytes = [UInt8](repeating: 0, count: denseSize)
        bytes[0...3] = [72, 89, 76, 76]
        return HyperLogLog(bytes: bytes)
    }

    /// PFDEBUG DECODE's text: z:LEN, Z:LEN and v:VALUE,LEN per opcode.
    func decodedOpcodes() -> String {
        var words: [String] = []
        var position = Self.headerSize
        while position < bytes.count {
            let op = bytes[position]
            if Self.isZero(op) {
                words.append("z:\(Self.zeroLength(op))")
                position += 1
            } else if Self.isXZero(op) {
                words.append("Z:\(xzeroLength(position))")
                position += 2
            } else {
                words.append("v:\(Self.valValue(op)),\(Self.valLength(op))")
                position += 1
            }
        }
        return words.joined(separator: " ")
    }
}
