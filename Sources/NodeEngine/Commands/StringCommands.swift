#if canImport(Glibc)
import Glibc
#endif

/// The string commands of t_string.c, with its option parsing and messages.
enum StringCommands {
    static let all: [(String, CommandHandler)] = [
        ("get", get), ("set", set), ("setnx", setnx), ("setex", setex), ("psetex", psetex), ("getset", getset),
        ("getdel", getdel), ("getex", getex), ("mget", mget), ("mset", mset), ("msetnx", msetnx),
        ("append", append), ("strlen", strlen), ("incr", incr), ("decr", decr), ("incrby", incrby),
        ("decrby", decrby), ("incrbyfloat", incrbyfloat), ("getrange", getrange), ("substr", getrange),
        ("setrange", setrange), ("lcs", LCSCommand.lcs),
    ]

    struct Options: OptionSet {
        let rawValue: Int
        static let nx = Options(rawValue: 1)
        static let xx = Options(rawValue: 2)
        static let ex = Options(rawValue: 4)
        static let px = Options(rawValue: 8)
        static let keepTTL = Options(rawValue: 16)
        static let get = Options(rawValue: 32)
        static let exat = Options(rawValue: 64)
        static let pxat = Options(rawValue: 128)
        static let persist = Options(rawValue: 256)
        static let anyExpire: Options = [.ex, .px, .exat, .pxat]
    }

    /// parseExtendedStringArgumentsOrReply, for SET (isSet) and GETEX.
    static func parseOptions(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, isSet: Bool) -> (Options, expire: Int?)? {
        var options: Options = []
        var expire: Int?
        var index = isSet ? 3 : 2
        while index < a.count {
            let hasNext = index < a.count - 1
            if a.isWord(index, "nx") && !options.contains(.xx) && isSet {
                options.insert(.nx)
            } else if a.isWord(index, "xx") && !options.contains(.nx) && isSet {
                options.insert(.xx)
            } else if a.isWord(index, "get") && isSet {
                options.insert(.get)
            } else if a.isWord(index, "keepttl") && options.isDisjoint(with: Options.anyExpire.union(.persist)) && isSet {
                options.insert(.keepTTL)
            } else if a.isWord(index, "persist") && !isSet && options.isDisjoint(with: Options.anyExpire.union(.keepTTL)) {
                options.insert(.persist)
            } else if hasNext, options.isDisjoint(with: Options.anyExpire.union([.keepTTL, .persist])),
                      let flag = expireFlag(a, index) {
                options.insert(flag)
                expire = index + 1
                index += 1
            } else {
                e.fail(c, "ERR syntax error")
                return nil
            }
            index += 1
        }
        return (options, expire)
    }

    private static func expireFlag(_ a: Arguments, _ index: Int) -> Options? {
        if a.isWord(index, "ex") { return .ex }
        if a.isWord(index, "px") { return .px }
        if a.isWord(index, "exat") { return .exat }
        if a.isWord(index, "pxat") { return .pxat }
        return nil
    }

    /// getExpireMillisecondsOrReply: an absolute Unix time in ms.
    static func expireTime(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, _ index: Int, _ options: Options, command: String) -> Int64? {
        guard var value = a.integer(index) else {
            e.fail(c, "ERR value is not an integer or out of range")
            return nil
        }
        let seconds = options.contains(.ex) || options.contains(.exat)
        if value <= 0 || (seconds && value > Int64.max / 1000) {
            e.fail(c, "ERR invalid expire time in '\(command)' command")
            return nil
        }
        if seconds { value *= 1000 }
        if options.contains(.ex) || options.contains(.px) {
            let (sum, overflow) = value.addingReportingOverflow(e.now)
            if overflow || sum <= 0 {
                e.fail(c, "ERR invalid expire time in '\(command)' command")
                return nil
            }
            value = sum
        }
        return value
    }

    /// The string at `key`, nil if missing; replies WRONGTYPE and returns .none for another type.
    static func readString(_ e: NodeEngine, _ c: ClientSession, _ key: [UInt8]) -> StringValue?? {
        e.typed(c, e.read(c, key), \.asString)
    }

    static func get(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let value = e.read(c, a, 1) else { return c.reply.null() }
        guard case .string(let string) = value else { return e.wrongType(c) }
        string.withBytes { c.reply.bulk($0) }
    }

    static func set(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        if a.count == 3 {
            // Plain SET key value: one lookup, no copies of short keys or values.
            e.store(c, a, 1, .string(a.withBytes(2) { StringValue.encoded($0) }))
            e.notify(.strings, "set", a, 1, db: c.db)
            return c.reply.ok()
        }
        guard let (options, expireIndex) = parseOptions(e, c, a, isSet: true) else { return }
        setGeneric(e, c, a, key: a[1], value: a[2], options: options, expireIndex: expireIndex, command: "set",
                   ok: { $0.reply.ok() }, abort: { $0.reply.null() })
    }

    static func setGeneric(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, key: [UInt8], value: [UInt8], options: Options,
                           expireIndex: Int?, command: String, ok: (ClientSession) -> Void, abort: (ClientSession) -> Void) {
        var expireAt: Int64?
        if let expireIndex {
            guard let time = expireTime(e, c, a, expireIndex, options, command: command) else { return }
            expireAt = time
        }
        if options.contains(.get) {
            guard let found = readString(e, c, key) else { return }
            if let string = found { c.reply.bulk(string.bytes) } else { c.reply.null() }
        }
        let exists = e.lookup(c, key) != nil
        if (options.contains(.nx) && exists) || (options.contains(.xx) && !exists) {
            if !options.contains(.get) { abort(c) }
            return
        }
        e.store(c, key, .string(.encoded(value)), keepTTL: options.contains(.keepTTL))
        if let expireAt {
            e.databases[c.db].setExpire(key, at: expireAt)
            // SETEX, PSETEX and SET's EX/PX/EXAT/PXAT all go out as SET key value PXAT ms.
            e.propagate(as: [Words.set, key, value, Words.pxat, Words.number(expireAt)])
        } else if options.contains(.get) {
            e.propagate(as: (0..<a.count).filter { $0 < 3 || !a.isWord($0, "get") }.map { a[$0] })
        }
        e.notify(.strings, "set", key, db: c.db)
        if expireAt != nil { e.notify(.generic, "expire", key, db: c.db) }
        if !options.contains(.get) { ok(c) }
    }

    static func setnx(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        setGeneric(e, c, a, key: a[1], value: a[2], options: .nx, expireIndex: nil, command: "setnx",
                   ok: { $0.reply.integer(1) }, abort: { $0.reply.integer(0) })
    }

    static func setex(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        setGeneric(e, c, a, key: a[1], value: a[3], options: .ex, expireIndex: 2, command: "setex",
                   ok: { $0.reply.ok() }, abort: { $0.reply.null() })
    }

    static func psetex(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        setGeneric(e, c, a, key: a[1], value: a[3], options: .px, expireIndex: 2, command: "psetex",
                   ok: { $0.reply.ok() }, abort: { $0.reply.null() })
    }

    static func getset(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let found = readString(e, c, a[1]) else { return }
        if let string = found { c.reply.bulk(string.bytes) } else { c.reply.null() }
        e.store(c, a[1], .string(.encoded(a[2])))
        e.notify(.strings, "set", a, 1, db: c.db)
        e.propagate(as: [Words.set, a[1], a[2]])
    }

    static func getdel(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let found = readString(e, c, a[1]) else { return }
        guard let string = found else {
            c.reply.null()
            return
        }
        c.reply.bulk(string.bytes)
        e.delete(c.db, a[1])
        e.notify(.generic, "del", a, 1, db: c.db)
        e.propagate(as: [Words.deletion(lazy: e.config.bool("lazyfree-lazy-user-del")), a[1]])
    }

    static func getex(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let (options, expireIndex) = parseOptions(e, c, a, isSet: false) else { return }
        let key = a[1]
        guard let found = readString(e, c, key) else { return }
        guard let string = found else {
            c.reply.null()
            return
        }
        var expireAt: Int64?
        if let expireIndex {
            guard let time = expireTime(e, c, a, expireIndex, options, command: "getex") else { return }
            expireAt = time
        }
        c.reply.bulk(string.bytes)
        // GETEX never goes out as itself: as DEL/UNLINK, PEXPIREAT or PERSIST.
        if let expireAt, (options.contains(.exat) || options.contains(.pxat)) && expireAt <= e.now {
            e.delete(c.db, key)
            e.notify(.generic, "del", key, db: c.db)
            e.propagate(as: [Words.deletion(lazy: e.config.bool("lazyfree-lazy-expire")), key])
        } else if let expireAt {
            e.databases[c.db].setExpire(key, at: expireAt)
            e.modified(c.db, key)
            e.notify(.generic, "expire", key, db: c.db)
            e.propagate(as: [Words.pexpireat, key, Words.number(expireAt)])
        } else if options.contains(.persist), e.databases[c.db].removeExpire(key) {
            e.modified(c.db, key)
            e.notify(.generic, "persist", key, db: c.db)
            e.propagate(as: [Words.persist, key])
        }
    }

    static func mget(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        c.reply.array(a.count - 1)
        for index in 1..<a.count {
            if case .string(let string) = e.read(c, a, index) { string.withBytes { c.reply.bulk($0) } } else { c.reply.null() }
        }
    }

    static func mset(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard a.count % 2 == 1 else {
            e.fail(c, "ERR wrong number of arguments for 'mset' command")
            return
        }
        storeAll(e, c, a)
        c.reply.ok()
    }

    static func msetnx(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard a.count % 2 == 1 else {
            e.fail(c, "ERR wrong number of arguments for 'msetnx' command")
            return
        }
        for index in stride(from: 1, to: a.count, by: 2) where e.lookup(c, a[index]) != nil {
            c.reply.integer(0)
            return
        }
        storeAll(e, c, a)
        c.reply.integer(1)
    }

    /// MSET's and MSETNX's writes: key, value pairs from argument 1 on.
    private static func storeAll(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        for index in stride(from: 1, to: a.count, by: 2) {
            e.store(c, a[index], .string(.encoded(a[index + 1])))
            e.notify(.strings, "set", a, index, db: c.db)
        }
    }

    static func checkLength(_ e: NodeEngine, _ c: ClientSession, _ total: Int64) -> Bool {
        guard total <= e.config.integer("proto-max-bulk-len") else {
            e.fail(c, "ERR string exceeds maximum allowed size (proto-max-bulk-len)")
            return false
        }
        return true
    }

    static func append(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let key = a[1]
        guard let value = e.lookup(c, key) else {
            e.add(c, key, .string(.encoded(a[2])))
            e.notify(.strings, "append", key, db: c.db)
            c.reply.integer(a.length(2))
            return
        }
        guard case .string(let string) = value else { return e.wrongType(c) }
        guard checkLength(e, c, Int64(string.count + a.length(2))) else { return }
        var bytes = string.bytes
        bytes += a[2]
        e.store(c, key, .string(.raw(bytes)), keepTTL: true)
        e.notify(.strings, "append", key, db: c.db)
        c.reply.integer(bytes.count)
    }

    static func strlen(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let found = readString(e, c, a[1]) else { return }
        c.reply.integer(found?.count ?? 0)
    }

    static func incr(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { incrementBy(e, c, a, 1) }
    static func decr(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { incrementBy(e, c, a, -1) }

    static func incrby(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let amount = a.integer(2) else { return e.fail(c, "ERR value is not an integer or out of range") }
        incrementBy(e, c, a, amount)
    }

    static func decrby(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let amount = a.integer(2) else { return e.fail(c, "ERR value is not an integer or out of range") }
        guard amount != Int64.min else { return e.fail(c, "ERR decrement would overflow") }
        incrementBy(e, c, a, -amount)
    }

    /// INCR and friends on the key in argument 1: one lookup, updated in place.
    static func incrementBy(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, _ amount: Int64) {
        var current: Int64 = 0
        let index = e.index(c.db, a, 1)
        if let index {
            let value = e.databases[c.db].table[value: index]
            guard case .string(let string) = value else { return e.wrongType(c) }
            switch string {
            case .int(let number): current = number
            case .embstr, .raw:
                guard let number = string.withBytes({ RedisInteger.parse($0) }) else {
                    return e.fail(c, "ERR value is not an integer or out of range")
                }
                current = number
            }
        }
        let (result, overflow) = current.addingReportingOverflow(amount)
        guard !overflow else { return e.fail(c, "ERR increment or decrement would overflow") }
        if let index {
            e.databases[c.db].table[value: index] = .string(.int(result))
            e.databases[c.db].table.stamps[index] = e.touchedStamp(e.databases[c.db].table.stamps[index])
            e.modified(c.db, a, 1)
        } else {
            e.store(c, a, 1, .string(.int(result)))
        }
        e.notify(.strings, "incrby", a, 1, db: c.db)
        c.reply.integer(result)
    }

    static func incrbyfloat(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let key = a[1]
        var current: Float80 = 0
        if let value = e.lookup(c, key) {
            guard case .string(let string) = value else { return e.wrongType(c) }
            guard let number = LongDouble.parse(string.bytes) else { return e.fail(c, "ERR value is not a valid float") }
            current = number
        }
        guard let increment = LongDouble.parse(a[2]) else { return e.fail(c, "ERR value is not a valid float") }
        let result = current + increment
        guard result.isFinite else { return e.fail(c, "ERR increment would produce NaN or Infinity") }
        let text = LongDouble.humanFriendly(result)
        e.store(c, key, .string(.created(text)), keepTTL: true)
        e.notify(.strings, "incrbyfloat", key, db: c.db)
        // The result, not the increment: float formatting may differ where the stream is replayed.
        e.propagate(as: [Words.set, key, text, Words.keepttl])
        c.reply.bulk(text)
    }

    static func getrange(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard var start = a.integer(2), var end = a.integer(3) else {
            return e.fail(c, "ERR value is not an integer or out of range")
        }
        guard let found = readString(e, c, a[1]) else { return }
        guard let bytes = found?.bytes else {
            c.reply.bulk([UInt8]())
            return
        }
        let length = Int64(bytes.count)
        if start < 0 && end < 0 && start > end {
            c.reply.bulk([UInt8]())
            return
        }
        if start < 0 { start += length }
        if end < 0 { end += length }
        if start < 0 { start = 0 }
        if end < 0 { end = 0 }
        if end >= length { end = length - 1 }
        if start > end || length == 0 {
            c.reply.bulk([UInt8]())
            return
        }
        c.reply.bulk(Array(bytes[Int(start)...Int(end)]))
    }

    static func setrange(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let offset = a.integer(2) else { return e.fail(c, "ERR value is not an integer or out of range") }
        guard offset >= 0 else { return e.fail(c, "ERR offset is out of range") }
        let key = a[1]
        let patch = a[3]
        var bytes: [UInt8] = []
        if let value = e.lookup(c, key) {
            guard case .string(let string) = value else { return e.wrongType(c) }
            bytes = string.bytes
            if patch.isEmpty {
                c.reply.integer(bytes.count)
                return
            }
        } else if patch.isEmpty {
            c.reply.integer(0)
            return
        }
        let (total, overflow) = offset.addingReportingOverflow(Int64(patch.count))
        guard !overflow, checkLength(e, c, total) else {
            return overflow ? e.fail(c, "ERR string exceeds maximum allowed size (proto-max-bulk-len)") : ()
        }
        let end = Int(offset) + patch.count
        if bytes.count < end { bytes += [UInt8](repeating: 0, count: end - bytes.count) }
        bytes.replaceSubrange(Int(offset)..<end, with: patch)
        e.store(c, key, .string(.raw(bytes)), keepTTL: true)
        e.notify(.strings, "setrange", key, db: c.db)
        c.reply.integer(bytes.count)
    }
}
