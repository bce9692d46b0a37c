/// The stream commands of t_stream.c that add, read by range, delete and trim.
enum StreamCommands {
    static let all: [(String, CommandHandler)] = [
        ("xadd", xadd), ("xrange", xrange), ("xrevrange", xrevrange), ("xlen", xlen), ("xdel", xdel),
        ("xtrim", xtrim), ("xsetid", xsetid),
    ] + StreamReadCommands.all + StreamGroupCommands.all + StreamInfoCommand.all

    static let notInteger = "ERR value is not an integer or out of range"

    /// The stream at `key` for reading: .some(nil) when missing, nil after a WRONGTYPE reply.
    static func read(_ e: NodeEngine, _ c: ClientSession, _ key: [UInt8]) -> StreamValue?? {
        e.typed(c, e.read(c, key), \.asStream)
    }

    static func writable(_ e: NodeEngine, _ c: ClientSession, _ key: [UInt8]) -> StreamValue?? {
        e.typed(c, e.lookup(c, key), \.asStream)
    }

    /// An ID argument, or nil after the invalid-ID error.
    static func id(_ e: NodeEngine, _ c: ClientSession, _ bytes: [UInt8], missingSeq: UInt64 = 0, strict: Bool = false) -> StreamID? {
        guard let parsed = StreamIDSyntax.parse(bytes, missingSeq: missingSeq, strict: strict) else {
            e.fail(c, StreamIDSyntax.invalid)
            return nil
        }
        return parsed.id
    }

    /// streamParseIntervalIDOrReply plus the exclusive "(" form's step.
    static func intervalStart(_ e: NodeEngine, _ c: ClientSession, _ bytes: [UInt8]) -> StreamID? {
        let exclusive = bytes.count > 1 && bytes[0] == UInt8(ascii: "(")
        guard let start = id(e, c, exclusive ? Array(bytes.dropFirst()) : bytes, strict: exclusive) else { return nil }
        guard exclusive else { return start }
        guard let next = start.successor else {
            e.fail(c, "ERR invalid start ID for the interval")
            return nil
        }
        return next
    }

    static func intervalEnd(_ e: NodeEngine, _ c: ClientSession, _ bytes: [UInt8]) -> StreamID? {
        let exclusive = bytes.count > 1 && bytes[0] == UInt8(ascii: "(")
        guard let end = id(e, c, exclusive ? Array(bytes.dropFirst()) : bytes, missingSeq: .max, strict: exclusive) else { return nil }
        guard exclusive else { return end }
        guard let previous = end.predecessor else {
            e.fail(c, "ERR invalid end ID for the interval")
            return nil
        }
        return previous
    }

    static func reply(_ c: ClientSession, _ id: StreamID, _ pairs: [[UInt8]]) {
        c.reply.array(2)
        c.reply.bulk(id.bytes)
        c.reply.array(pairs.count)
        for element in pairs { c.reply.bulk(element) }
    }

    // MARK: XADD and XTRIM

    struct TrimArguments {
        var strategy: StreamValue.TrimStrategy?
        /// The index of MAXLEN's count or MINID's ID, for the rewrite.
        var strategyIndex = 0
        var approximate = false
        var limit: Int64 = 0
        var noMakeStream = false
        var id: StreamIDSyntax.Parsed?
        var idIndex = 0
    }

    /// streamParseAddOrTrimArgsOrReply.
    static func trimArguments(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, xadd: Bool) -> TrimArguments? {
        var parsed = TrimArguments()
        var limitGiven = false
        var index = 2
        while index < a.count {
            let more = a.count - 1 - index
            if xadd && a.length(index) == 1 && a.withBytes(index, { $0[0] == UInt8(ascii: "*") }) { break }
            let option = a.length(index) <= 10 ? a.lowercased(index) : ""
            if (option == "maxlen" || option == "minid") && more > 0 {
                if parsed.strategy != nil {
                    e.fail(c, "ERR syntax error, MAXLEN and MINID options at the same time are not compatible")
                    return nil
                }
                parsed.approximate = false
                let next = a[index + 1]
                if more >= 2 && next == [UInt8(ascii: "~")] {
                    parsed.approximate = true
                    index += 1
                } else if more >= 2 && next == [UInt8(ascii: "=")] {
                    index += 1
                }
                if option == "maxlen" {
                    guard let count = a.integer(index + 1) else { e.fail(c, notInteger); return nil }
                    guard count >= 0 else { e.fail(c, "ERR The MAXLEN argument must be >= 0."); return nil }
                    parsed.strategy = .maxLength(UInt64(count))
                } else {
                    guard let minID = id(e, c, a[index + 1], strict: true) else { return nil }
                    parsed.strategy = .minID(minID)
                }
                index += 1
                parsed.strategyIndex = index
            } else if option == "limit" && more > 0 {
                guard let limit = a.integer(index + 1) else { e.fail(c, notInteger); return nil }
                guard limit >= 0 else { e.fail(c, "ERR The LIMIT argument must be >= 0."); return nil }
                parsed.limit = limit
                limitGiven = true
                index += 1
            } else if xadd && option == "nomkstream" {
                parsed.noMakeStream = true
            } else if xadd {
                guard let given = StreamIDSyntax.parse(a[index], strict: true, allowAutoSeq: true) else {
                    e.fail(c, StreamIDSyntax.invalid)
                    return nil
                }
                parsed.id = given
                break
            } else {
                e.fail(c, "ERR syntax error")
                return nil
            }
            index += 1
        }
        parsed.idIndex = index
        if parsed.limit != 0 && parsed.strategy == nil {
            e.fail(c, "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy")
            return nil
        }
        if !xadd && parsed.strategy == nil {
            e.fail(c, "ERR syntax error, XTRIM must be called with a trimming strategy")
            return nil
        }
        if e.servingMaster || e.aof.loading {
            parsed.limit = 0
        } else if limitGiven {
            if !parsed.approximate {
                e.fail(c, "ERR syntax error, LIMIT cannot be used without the special ~ option")
                return nil
            }
        } else if parsed.approximate {
            let limit = 100 * e.config.integer("stream-node-max-entries")
            parsed.limit = limit <= 0 ? 10000 : min(limit, 1_000_000)
        } else {
            parsed.limit = 0
        }
        return parsed
    }

    /// streamRewriteApproxSpecifier + streamRewriteTrimArgument: `~ N` goes
    /// out as `= <what is left>`, so that replicas trim exactly as much.
    static func rewriteTrim(_ words: inout [[UInt8]], _ stream: StreamValue, _ parsed: TrimArguments) {
        words[parsed.strategyIndex - 1] = [UInt8(ascii: "=")]
        if case .maxLength = parsed.strategy {
            words[parsed.strategyIndex] = Words.number(stream.length)
        } else {
            words[parsed.strategyIndex] = stream.edgeID(first: true, tombstones: true).bytes
        }
    }

    static func xadd(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let parsed = trimArguments(e, c, a, xadd: true) else { return }
        let fieldsAt = parsed.idIndex + 1
        guard a.count - fieldsAt >= 2, (a.count - fieldsAt) % 2 == 0 else {
            return e.fail(c, "ERR wrong number of arguments for 'xadd' command")
        }
        if let given = parsed.id, given.seqGiven, given.id == .zero {
            return e.fail(c, "ERR The ID specified in XADD must be greater than 0-0")
        }
        guard let found = e.typed(c, e.lookup(c, a, 1), \.asStream) else { return }
        let stream: StreamValue
        if let found {
            stream = found
        } else {
            if parsed.noMakeStream { return c.reply.null() }
            stream = StreamValue()
            e.add(c, a, 1, .stream(stream))
        }
        if stream.lastID == .max { return e.fail(c, "ERR The stream has exhausted the last possible ID, unable to add more items") }
        let newID: StreamID
        if let given = parsed.id {
            if given.seqGiven {
                newID = given.id
            } else if stream.lastID.ms == given.id.ms {
                // streamAppendItem fails here without setting errno: xaddCommand words it as a size error.
                guard stream.lastID.seq < .max else { return e.fail(c, "ERR Elements are too large to be stored") }
                newID = StreamID(ms: given.id.ms, seq: stream.lastID.seq + 1)
            } else {
                newID = given.id
            }
        } else {
            let ms = UInt64(max(e.now, 0))
            newID = ms > stream.lastID.ms ? StreamID(ms: ms, seq: 0) : (stream.lastID.successor ?? .zero)
        }
        do {
            try stream.append(ArgumentFields(arguments: a, first: fieldsAt), id: newID, limits: e.streamNodeLimits)
        } catch .notGreater {
            return e.fail(c, "ERR The ID specified in XADD is equal or smaller than the target stream top item")
        } catch {
            return e.fail(c, "ERR Elements are too large to be stored")
        }
        c.reply.bulk(newID.bytes)
        e.modified(c.db, a, 1)
        e.notify(.stream, "xadd", a, 1, db: c.db)
        if let strategy = parsed.strategy, stream.trim(strategy, approximate: parsed.approximate, limit: parsed.limit) > 0 {
            e.notify(.stream, "xtrim", a, 1, db: c.db)
        }
        // What replicas get: the generated ID, and `~` trims as what they left.
        if e.propagates && (parsed.approximate || parsed.id?.seqGiven != true) {
            var words = a.tail(from: 0)
            if parsed.approximate { rewriteTrim(&words, stream, parsed) }
            if parsed.id?.seqGiven != true { words[parsed.idIndex] = newID.bytes }
            e.propagate(as: words)
        }
        if !e.blockedByKey.isEmpty { e.signalReady(c.db, a[1]) }
    }

    static func xtrim(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let parsed = trimArguments(e, c, a, xadd: false), let strategy = parsed.strategy else { return }
        let key = a[1]
        guard let found = writable(e, c, key) else { return }
        guard let stream = found else { return c.reply.integer(0) }
        let deleted = stream.trim(strategy, approximate: parsed.approximate, limit: parsed.limit)
        if deleted > 0 {
            e.notify(.stream, "xtrim", key, db: c.db)
            if parsed.approximate {
                var words = a.tail(from: 0)
                rewriteTrim(&words, stream, parsed)
                e.propagate(as: words)
            }
            e.modified(c.db, key, changes: deleted)
        }
        c.reply.integer(deleted)
    }

    // MARK: Ranges

    static func xrange(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { range(e, c, a, reverse: false) }
    static func xrevrange(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { range(e, c, a, reverse: true) }

    static func range(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, reverse: Bool) {
        guard let start = intervalStart(e, c, reverse ? a[3] : a[2]) else { return }
        guard let end = intervalEnd(e, c, reverse ? a[2] : a[3]) else { return }
        var count: Int64 = -1
        var index = 4
        while index < a.count {
            guard a.lowercased(index) == "count", index + 1 < a.count else { return e.fail(c, "ERR syntax error") }
            guard let given = a.integer(index + 1) else { return e.fail(c, notInteger) }
            count = max(given, 0)
            index += 2
        }
        guard let found = read(e, c, a[1]) else { return }
        guard let stream = found else { return c.reply.emptyArray() }
        if count == 0 { return c.reply.nullArray() }
        let limit = count < 0 ? 0 : Int(count)
        var entries: [(node: StreamNode, entry: StreamEntry)] = []
        stream.forEach(from: start, to: end, reverse: reverse) { node, entry in
            entries.append((node, entry))
            return limit == 0 || entries.count < limit
        }
        c.reply.array(entries.count)
        for (node, entry) in entries {
            c.reply.array(2)
            c.reply.bulk(entry.id.bytes)
            node.writePairs(entry, into: &c.reply)
        }
    }

    /// streamReplyWithRange's entries, `count` at most (0: all).
    static func collect(_ stream: StreamValue, from start: StreamID, to end: StreamID, reverse: Bool = false, count: Int) -> [(id: StreamID, pairs: [[UInt8]])] {
        var entries: [(id: StreamID, pairs: [[UInt8]])] = []
        stream.forEach(from: start, to: end, reverse: reverse) { node, entry in
            entries.append((entry.id, node.pairs(entry)))
            return count == 0 || entries.count < count
        }
        return entries
    }

    static func xlen(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let found = read(e, c, a[1]) else { return }
        c.reply.integer(Int64(found?.length ?? 0))
    }

    // MARK: XDEL and XSETID

    static func xdel(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let key = a[1]
        guard let found = writable(e, c, key) else { return }
        guard let stream = found else { return c.reply.integer(0) }
        var ids: [StreamID] = []
        for index in 2..<a.count {
            guard let parsed = id(e, c, a[index], strict: true) else { return }
            ids.append(parsed)
        }
        var deleted: Int64 = 0
        var firstDeleted = false
        for id in ids where stream.delete(id) {
            if id == stream.firstID { firstDeleted = true }
            if id > stream.maxDeletedID { stream.maxDeletedID = id }
            deleted += 1
        }
        if deleted > 0 {
            if stream.length == 0 {
                stream.firstID = .zero
            } else if firstDeleted {
                stream.firstID = stream.edgeID(first: true)
            }
            e.modified(c.db, key, changes: deleted)
            e.notify(.stream, "xdel", key, db: c.db)
        }
        c.reply.integer(deleted)
    }

    static func xsetid(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let lastID = id(e, c, a[2], strict: true) else { return }
        var entriesAdded: Int64 = -1
        var maxDeleted = StreamID.zero
        var index = 3
        while index < a.count {
            let option = a.lowercased(index)
            if option == "entriesadded" && index + 1 < a.count {
                guard let given = a.integer(index + 1) else { return e.fail(c, notInteger) }
                guard given >= 0 else { return e.fail(c, "ERR entries_added must be positive") }
                entriesAdded = given
            } else if option == "maxdeletedid" && index + 1 < a.count {
                guard let given = id(e, c, a[index + 1], strict: true) else { return }
                guard given <= lastID else { return e.fail(c, "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id") }
                maxDeleted = given
            } else {
                return e.fail(c, "ERR syntax error")
            }
            index += 2
        }
        let key = a[1]
        guard let found = writable(e, c, key) else { return }
        guard let stream = found else { return e.fail(c, "ERR no such key") }
        if stream.length > 0 {
            if let top = stream.lastValidID, lastID < top {
                return e.fail(c, "ERR The ID specified in XSETID is smaller than the target stream top item")
            }
            if entriesAdded != -1 && stream.length > UInt64(entriesAdded) {
                return e.fail(c, "ERR The entries_added specified in XSETID is smaller than the target stream length")
            }
        }
        stream.lastID = lastID
        if entriesAdded != -1 { stream.entriesAdded = UInt64(entriesAdded) }
        if maxDeleted != .zero { stream.maxDeletedID = maxDeleted }
        c.reply.ok()
        e.modified(c.db, key)
        e.notify(.stream, "xsetid", key, db: c.db)
    }
}
