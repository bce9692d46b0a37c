/// SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE, their UNSUBSCRIBEs, PUBLISH, SPUBLISH
/// and PUBSUB: messages are pushes in RESP3 and arrays in RESP2.
enum PubSubCommands {
    static let all: [(String, CommandHandler)] = [
        ("subscribe", subscribe), ("unsubscribe", unsubscribe), ("psubscribe", psubscribe), ("punsubscribe", punsubscribe),
        ("ssubscribe", ssubscribe), ("sunsubscribe", sunsubscribe), ("publish", publish), ("spublish", spublish),
        ("pubsub|channels", pubsubChannels), ("pubsub|numsub", pubsubNumsub), ("pubsub|numpat", pubsubNumpat),
        ("pubsub|shardchannels", pubsubShardChannels), ("pubsub|shardnumsub", pubsubShardNumsub),
    ]

    static func subscribe(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { add(e, c, a, kind: .channel) }
    static func psubscribe(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { add(e, c, a, kind: .pattern) }
    static func ssubscribe(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { add(e, c, a, kind: .shard) }
    static func unsubscribe(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { remove(e, c, a, kind: .channel) }
    static func punsubscribe(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { remove(e, c, a, kind: .pattern) }
    static func sunsubscribe(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { remove(e, c, a, kind: .shard) }

    static func add(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, kind: PubSub.Kind) {
        for index in 1..<a.count {
            let name = a[index]
            if c.subscriptions[kind.rawValue].insert(name).inserted {
                e.pubsub.add(c, name, kind: kind)
            }
            c.reply.push(3)
            c.reply.bulk(kind.subscribeWord)
            c.reply.bulk(name)
            c.reply.integer(kind == .shard ? c.subscriptions[2].count : c.subscriptions[0].count + c.subscriptions[1].count)
        }
    }

    static func remove(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, kind: PubSub.Kind) {
        var names = a.count > 1 ? a.tail(from: 1) : Array(c.subscriptions[kind.rawValue]).sorted { $0.lexicographicallyPrecedes($1) }
        if a.count == 1 && names.isEmpty {
            c.reply.push(3)
            c.reply.bulk(kind.unsubscribeWord)
            c.reply.null()
            c.reply.integer(kind == .shard ? c.subscriptions[2].count : c.subscriptions[0].count + c.subscriptions[1].count)
            return
        }
        if a.count == 1 { names = Array(names) }
        for name in names {
            if c.subscriptions[kind.rawValue].remove(name) != nil { e.pubsub.remove(c, name, kind: kind) }
            c.reply.push(3)
            c.reply.bulk(kind.unsubscribeWord)
            c.reply.bulk(name)
            c.reply.integer(kind == .shard ? c.subscriptions[2].count : c.subscriptions[0].count + c.subscriptions[1].count)
        }
    }

    static func publish(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let receivers = e.publish(channel: a[1], message: a[2], shard: false)
        if e.isClusterEnabled { e.propagatePublish(channel: a[1], message: a[2], sharded: false) } else { e.forcePropagation(.replicasOnly) }
        c.reply.integer(receivers)
    }

    static func spublish(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let receivers = e.publish(channel: a[1], message: a[2], shard: true)
        if e.isClusterEnabled { e.propagatePublish(channel: a[1], message: a[2], sharded: true) } else { e.forcePropagation(.replicasOnly) }
        c.reply.integer(receivers)
    }

    static func channels(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, _ table: [[UInt8]: [ClientSession]]) {
        let pattern = a.count > 2 ? a[2] : nil
        let names = table.keys.filter { pattern == nil || GlobPattern.matches(pattern!, $0) }
        c.reply.array(names.count)
        for name in names { c.reply.bulk(name) }
    }

    static func pubsubChannels(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { channels(e, c, a, e.pubsub.channels) }
    static func pubsubShardChannels(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { channels(e, c, a, e.pubsub.shardChannels) }

    static func numsub(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, _ table: [[UInt8]: [ClientSession]]) {
        // A flat array in RESP3 too: 7.0.15 answers NUMSUB with addReplyArrayLen.
        c.reply.array((a.count - 2) * 2)
        for index in 2..<max(2, a.count) {
            c.reply.bulk(a[index])
            c.reply.integer(table[a[index]]?.count ?? 0)
        }
    }

    static func pubsubNumsub(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { numsub(e, c, a, e.pubsub.channels) }
    static func pubsubShardNumsub(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { numsub(e, c, a, e.pubsub.shardChannels) }

    static func pubsubNumpat(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { c.reply.integer(e.pubsub.patterns.count) }
}

/// Who listens to what.
struct PubSub {
    enum Kind: Int {
        case channel = 0, pattern = 1, shard = 2

        var subscribeWord: String { ["subscribe", "psubscribe", "ssubscribe"][rawValue] }
        var unsubscribeWord: String { ["unsubscribe", "punsubscribe", "sunsubscribe"][rawValue] }
    }

    var channels: [[UInt8]: [ClientSession]] = [:]
    var patterns: [[UInt8]: [ClientSession]] = [:]
    var shardChannels: [[UInt8]: [ClientSession]] = [:]

    mutating func add(_ client: ClientSession, _ name: [UInt8], kind: Kind) {
        switch kind {
        case .channel: channels[name, default: []].append(client)
        case .pattern: patterns[name, default: []].append(client)
        case .shard: shardChannels[name, default: []].append(client)
        }
    }

    mutating func remove(_ client: ClientSession, _ name: [UInt8], kind: Kind) {
        func drop(_ table: inout [[UInt8]: [ClientSession]]) {
            table[name]?.removeAll { $0 === client }
            if table[name]?.isEmpty == true { table[name] = nil }
        }
        switch kind {
        case .channel: drop(&channels)
        case .pattern: drop(&patterns)
        case .shard: drop(&shardChannels)
        }
    }
}

extension NodeEngine {
    /// Delivers a message; returns how many clients received it.
    @discardableResult
    public func publish(channel: [UInt8], message: [UInt8], shard: Bool) -> Int {
        var receivers = 0
        for client in (shard ? pubsub.shardChannels[channel] : pubsub.channels[channel]) ?? [] {
            client.reply.push(3)
            client.reply.bulk(shard ? "smessage" : "message")
            client.reply.bulk(channel)
            client.reply.bulk(message)
            client.wake?()
            receivers += 1
        }
        guard !shard else { return receivers }
        for (pattern, clients) in pubsub.patterns where GlobPattern.matches(pattern, channel) {
            for client in clients {
                client.reply.push(4)
                client.reply.bulk("pmessage")
                client.reply.bulk(pattern)
                client.reply.bulk(channel)
                client.reply.bulk(message)
                client.wake?()
                receivers += 1
            }
        }
        return receivers
    }

    func unsubscribeAll(_ client: ClientSession) {
        for kind in [PubSub.Kind.channel, .pattern, .shard] {
            for name in client.subscriptions[kind.rawValue] { pubsub.remove(client, name, kind: kind) }
            client.subscriptions[kind.rawValue] = []
        }
    }
}
