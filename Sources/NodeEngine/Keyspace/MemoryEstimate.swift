/// MEMORY USAGE as redis-server 7.0.15 computes it (objectComputeSize plus
/// the key and its dict entry): the sizes of the structures it would have
/// allocated for the value, each rounded to jemalloc's size class, with
/// collections sampled as it samples them. Strings, listpacks, intsets,
/// quicklists and hash tables come out as redis-server's figures for values
/// built the same way; skiplist levels are random there, so sorted sets
/// past the listpack limits are an estimate.
enum MemoryEstimate {
    static let objectHeader = 16  // robj
    static let dictEntry = 24
    static let dictStruct = 56
    static let quicklistStruct = 40
    static let quicklistNode = 40
    static let skiplistNodeBase = 24  // ele, score, backward
    static let skiplistHeader = jemalloc(24 + 32 * 16)  // ZSKIPLIST_MAXLEVEL levels
    /// A node's size over zslRandomLevel's odds (a level more with p = 0.25).
    static let expectedSkiplistNode: Int = {
        var expected = 0.0, odds = 0.75
        for level in 1...32 {
            expected += odds * Double(jemalloc(skiplistNodeBase + 16 * level))
            odds *= 0.25
        }
        return Int(expected.rounded())
    }()

    /// `listMaxListpackSize` is list-max-listpack-size: a byte limit per node when negative, a count when positive.
    static func bytes(key: [UInt8], value: Value, samples: Int = 5, listMaxListpackSize: Int = -2, cluster: Bool = false) -> Int {
        let keyBytes = sds(key.count) + dictEntry + (cluster ? 16 : 0)
        return keyBytes + objectBytes(value, samples: samples, listMaxListpackSize: listMaxListpackSize)
    }

    static func objectBytes(_ value: Value, samples: Int, listMaxListpackSize: Int) -> Int {
        switch value {
        case .string(let string):
            switch string {
            case .int: return objectHeader
            case .embstr: return jemalloc(objectHeader + 3 + string.count + 1)
            case .raw: return objectHeader + sds(string.count)
            }
        case .list(let list):
            let nodes = quicklistNodes(Array(list.items), fill: listMaxListpackSize)
            return objectHeader + quicklistStruct + sampled(nodes, samples: samples, count: nodes.count)
        case .hash(let hash):
            switch hash.storage {
            case .listpack(let pairs):
                return objectHeader + jemalloc(listpack(pairs.flatMap { [$0.field, $0.value] }))
            case .table:
                let pairs = hash.pairs
                return objectHeader + dictStruct + 8 * slots(pairs.count)
                    + sampled(pairs.map { dictEntry + sds($0.field.count) + sds($0.value.count) }, samples: samples, count: pairs.count)
            }
        case .set(let set):
            switch set.storage {
            case .intset(let values):
                let width = values.contains { $0 < Int64(Int32.min) || $0 > Int64(Int32.max) } ? 8
                    : values.contains { $0 < Int64(Int16.min) || $0 > Int64(Int16.max) } ? 4 : 2
                return objectHeader + jemalloc(8 + values.count * width)
            case .table:
                let members = set.members
                return objectHeader + dictStruct + 8 * slots(members.count)
                    + sampled(members.map { dictEntry + sds($0.count) }, samples: samples, count: members.count)
            }
        case .zset(let zset):
            let entries = zset.allEntries
            switch zset.storage {
            case .listpack:
                return objectHeader + jemalloc(listpack(entries.flatMap { [$0.member, Array(ZSetCommands.d2string($0.score).utf8)] }))
            case .skiplist:
                return objectHeader + 16 + 32 + dictStruct + 8 * slots(entries.count) + skiplistHeader
                    + sampled(entries.map { sds($0.member.count) + dictEntry + expectedSkiplistNode }, samples: samples, count: entries.count)
            }
        case .stream(let stream):
            return streamBytes(stream, samples: samples)
        }
    }

    /// streamRadixTreeMemoryUsage: 16 bytes a key, 4 + 240 a node.
    static func radixTree(_ keys: [[UInt8]]) -> Int {
        keys.count * 16 + StreamValue.radixTreeNodes(keys) * (4 + 8 * 30)
    }

    /// objectComputeSize's stream: the first nodes' allocations averaged over
    /// all but the last, which counts as it is; then the groups' PELs.
    static func streamBytes(_ stream: StreamValue, samples: Int) -> Int {
        var size = objectHeader + 80 + radixTree(stream.nodes.map(\.master.key))
        let nodes = stream.nodes
        let taken = samples == 0 ? nodes.count : min(samples, nodes.count)
        var sampledBytes = 0
        for index in 0..<taken { sampledBytes += jemalloc(nodes[index].allocatedBytes) }
        if nodes.count <= taken {
            size += sampledBytes
        } else if let tail = nodes.last {
            size += sampledBytes / max(taken, 1) * (nodes.count - 1) + jemalloc(tail.allocatedBytes)
        }
        for group in stream.groups.all {
            size += 40 + radixTree(group.pending.ids.map(\.key)) + 24 * group.pending.count
            for consumer in group.consumers {
                size += 24 + consumer.name.count + radixTree(consumer.pending.ids.map(\.key))
            }
        }
        return size
    }

    /// The first `samples` elements' sizes scaled to `count`, as objectComputeSize
    /// samples (all of them with SAMPLES 0).
    private static func sampled(_ sizes: [Int], samples: Int, count: Int) -> Int {
        let taken = samples == 0 ? sizes : Array(sizes.prefix(samples))
        guard !taken.isEmpty else { return 0 }
        return Int(Double(taken.reduce(0, +)) / Double(taken.count) * Double(count))
    }

    /// A quicklist's nodes as tail pushes fill them: a new node once the next
    /// element (estimated at its length + 8, as _quicklistNodeAllowInsert does)
    /// would pass the byte limit of a negative fill, or the count of a positive one.
    static func quicklistNodeCount(_ items: [[UInt8]], fill: Int) -> Int { quicklistNodes(items, fill: fill).count }

    private static func quicklistNodes(_ items: [[UInt8]], fill: Int) -> [Int] {
        let byteLimits = [4096, 8192, 16384, 32768, 65536]
        let byteLimit = fill < 0 ? byteLimits[min(-fill, byteLimits.count) - 1] : 8192
        var nodes: [Int] = []
        var bytes = 7, count = 0
        for item in items {
            if count > 0 && (bytes + item.count + 8 > byteLimit || (fill > 0 && count + 1 > fill)) {
                nodes.append(quicklistNode + jemalloc(bytes))
                bytes = 7
                count = 0
            }
            bytes += listpackEntry(item)
            count += 1
        }
        if count > 0 { nodes.append(quicklistNode + jemalloc(bytes)) }
        return nodes
    }

    /// A listpack's bytes: the 6-byte header, the entries, the end byte.
    static func listpack(_ items: [[UInt8]]) -> Int {
        items.reduce(7) { $0 + listpackEntry($1) }
    }

    /// One listpack entry: encoding and data, then its back length.
    static func listpackEntry(_ item: [UInt8]) -> Int {
        let content: Int
        if item.count <= 20, let value = RedisInteger.parse(item) {
            switch value {
            case 0...127: content = 1
            case -4096...4095: content = 2
            case Int64(Int16.min)...Int64(Int16.max): content = 3
            case -(1 << 23)...((1 << 23) - 1): content = 4
            case Int64(Int32.min)...Int64(Int32.max): content = 5
            default: content = 9
            }
        } else {
            content = item.count + (item.count < 64 ? 1 : item.count < 4096 ? 2 : 5)
        }
        let backLength = content < 128 ? 1 : content < 16384 ? 2 : content < 2_097_152 ? 3 : content < 268_435_456 ? 4 : 5
        return content + backLength
    }

    /// sdsZmallocSize of a new sds of `length` bytes: header by type, the bytes, the NUL.
    static func sds(_ length: Int) -> Int {
        let header = length < 32 ? 1 : length < 256 ? 3 : length < 65536 ? 5 : length < 1 << 32 ? 9 : 17
        return jemalloc(header + length + 1)
    }

    /// A dict's buckets after `count` insertions: a power of two, at least 4.
    static func slots(_ count: Int) -> Int {
        var size = 4
        while size < count { size <<= 1 }
        return size
    }

    /// jemalloc's size class for a request of `size` bytes: 8, then 16-byte
    /// steps to 128, then four classes per doubling.
    static func jemalloc(_ size: Int) -> Int {
        if size <= 8 { return 8 }
        if size <= 128 { return (size + 15) & ~15 }
        let group = Int.bitWidth - 1 - (size - 1).leadingZeroBitCount
        let step = 1 << (group - 2)
        return (size + step - 1) & ~(step - 1)
    }
}

extension NodeEngine {
    /// freeObjAsync: a value whose free effort passes LAZYFREE_THRESHOLD (64)
    /// would go to the background thread, and lazyfreed_objects counts it.
    /// The engine frees at once; the counter reads as redis-server's.
    func freedLazily(_ value: Value) {
        if value.freeEffort(listFill: Int(config.integer("list-max-listpack-size"))) > 64 { stats.lazyfreedObjects += 1 }
    }
}

extension Value {
    /// lazyfreeGetFreeEffort: allocations to free, as 7.0.15 estimates them.
    func freeEffort(listFill: Int) -> Int {
        switch self {
        case .list(let list): return MemoryEstimate.quicklistNodeCount(Array(list.items), fill: listFill)
        case .set(let set): return set.encodingName == "hashtable" ? set.count : 1
        case .zset(let zset): return zset.encodingName == "skiplist" ? zset.count : 1
        case .hash(let hash): return hash.encodingName == "hashtable" ? hash.count : 1
        case .stream(let stream):
            let first = stream.groups.all.first.map { $0.pending.count } ?? 0
            return stream.radixTreeNodes + stream.groups.count * (1 + first)
        case .string: return 1
        }
    }
}
