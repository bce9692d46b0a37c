/// PFADD, PFCOUNT and PFMERGE over Redis's own HyperLogLog layout.
enum HyperLogLogCommands {
    static let all: [(String, CommandHandler)] = [("pfadd", pfadd), ("pfcount", pfcount), ("pfmerge", pfmerge)] + debugCommands

    static let corrupted = "INVALIDOBJ Corrupted HLL object detected"

    /// The HLL at `key`: .some(nil) when missing, nil after an error reply.
    static func load(_ e: NodeEngine, _ c: ClientSession, _ key: [UInt8], write: Bool) -> HyperLogLog?? {
        guard let value = write ? e.lookup(c, key) : e.read(c, key) else { return .some(nil) }
        guard case .string(let string) = value else {
            e.wrongType(c)
            return .none
        }
        let bytes = string.bytes
        let isInteger: Bool = if case .int = string { true } else { false }
        guard !isInteger, HyperLogLog.isValid(bytes) else {
            e.fail(c, "WRONGTYPE Key is not a valid HyperLogLog string value.")
            return .none
        }
        return .some(HyperLogLog(bytes: bytes))
    }

    static func pfadd(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let key = a[1]
        guard let found = load(e, c, key, write: true) else { return }
        var hll = found ?? .empty()
        var updated = found == nil ? 1 : 0
        let limit = Int(e.config.integer("hll-sparse-max-bytes"))
        do {
            for index in 2..<max(2, a.count) { updated += try hll.add(a[index], sparseMaxBytes: limit) }
        } catch {
            return e.fail(c, corrupted)
        }
        if updated > 0 {
            hll.invalidateCache()
            e.store(c, key, .string(.raw(hll.bytes)), keepTTL: true)
            e.modified(c.db, key, changes: Int64(updated - 1))
            e.notify(.strings, "pfadd", key, db: c.db)
        }
        c.reply.integer(updated > 0 ? 1 : 0)
    }

    static func pfcount(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        if a.count > 2 {
            var maximum = [UInt8](repeating: 0, count: HyperLogLog.registers)
            for index in 1..<a.count {
                guard let found = load(e, c, a[index], write: false) else { return }
                guard let hll = found else { continue }
                guard let values = try? hll.registerValues() else { return e.fail(c, corrupted) }
                for register in 0..<HyperLogLog.registers where values[register] > maximum[register] { maximum[register] = values[register] }
            }
            return c.reply.integer(HyperLogLog.count(maximum))
        }
        let key = a[1]
        guard let found = load(e, c, key, write: false) else { return }
        guard var hll = found else { return c.reply.integer(0) }
        if let cached = hll.cachedCardinality { return c.reply.integer(Int64(bitPattern: cached)) }
        guard let values = try? hll.registerValues() else { return e.fail(c, corrupted) }
        let cardinality = HyperLogLog.count(values)
        hll.cache(cardinality)
        e.store(c, key, .string(.raw(hll.bytes)), keepTTL: true)
        c.reply.integer(Int64(bitPattern: cardinality))
    }

    static func pfmerge(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        var maximum = [UInt8](repeating: 0, count: HyperLogLog.registers)
        var useDense = false
        for index in 1..<a.count {
            guard let found = load(e, c, a[index], write: false) else { return }
            guard let hll = found else { continue }
            if hll.isDense { useDense = true }
            guard let values = try? hll.registerValues() else { return e.fail(c, corrupted) }
            for register in 0..<HyperLogLog.registers where values[register] > maximum[register] { maximum[register] = values[register] }
        }
        let key = a[1]
        guard let found = load(e, c, key, write: true) else { return }
        var hll = found ?? .empty()
        let limit = Int(e.config.integer("hll-sparse-max-bytes"))
        do {
            if useDense { try hll.toDense() }
            for register in 0..<HyperLogLog.registers where maximum[register] > 0 {
                _ = try hll.set(register, maximum[register], sparseMaxBytes: limit)
            }
        } catch {
            return e.fail(c, corrupted)
        }
        hll.invalidateCache()
        e.store(c, key, .string(.raw(hll.bytes)), keepTTL: true)
        e.notify(.strings, "pfadd", key, db: c.db)
        c.reply.ok()
    }
}
