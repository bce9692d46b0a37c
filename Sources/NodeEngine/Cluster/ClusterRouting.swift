import ClusterModel

/// getNodeByQuery: whether this node serves a request, or which redirection
/// or refusal it gets, decided exactly as redis-server 7.0.15 decides it.
extension NodeEngine {
    static let shardPubSubCommands: Set<String> = ["ssubscribe", "sunsubscribe", "spublish"]

    /// nil: run it here. Otherwise the error to answer (MOVED, ASK, ...).
    func clusterRedirection(_ client: ClientSession, _ entry: CommandEntry, _ arguments: Arguments) -> String? {
        guard let cluster else { return nil }
        let isExec = entry.name == "exec"
        guard entry.firstKey > 0 || entry.flags.contains(.movableKeys) || isExec else { return nil }
        // The common case, decided without copying the key: one key, in a
        // stable slot this node serves, with the cluster ok.
        let lastKey = entry.lastKey < 0 ? arguments.count + entry.lastKey : entry.lastKey
        if !isExec && !entry.flags.contains(.movableKeys) && lastKey == entry.firstKey && entry.firstKey < arguments.count && cluster.isOK {
            let slot = arguments.withBytes(entry.firstKey, HashSlot.slot(of:))
            if cluster.slotOwner[slot] === cluster.myself && cluster.migratingTo[slot] == nil && cluster.importingFrom[slot] == nil {
                return nil
            }
        }
        var requests: [(entry: CommandEntry, arguments: Arguments)] = []
        if isExec {
            guard let queued = client.transaction else { return nil }
            requests = queued.compactMap { queued in commands.lookup(queued).map { ($0, queued) } }
        } else {
            requests = [(entry, arguments)]
        }
        let isShardPubSub = Self.shardPubSubCommands.contains(entry.name)
        var firstKey: [UInt8]?
        var slot = 0
        var owner: ClusterNode?
        var migrating = false, importing = false, multipleKeys = false
        var missing = 0, existing = 0
        for request in requests {
            for position in KeyPositions.keys(of: request.entry, request.arguments) {
                let key = request.arguments[position]
                let keySlot = key.withUnsafeBytes(HashSlot.slot(of:))
                if let firstKey {
                    if key != firstKey {
                        if keySlot != slot { return "CROSSSLOT Keys in request don't hash to the same slot" }
                        multipleKeys = true
                    }
                } else {
                    firstKey = key
                    slot = keySlot
                    guard let found = cluster.slotOwner[slot] else { return "CLUSTERDOWN Hash slot not served" }
                    owner = found
                    if found === cluster.myself && cluster.migratingTo[slot] != nil {
                        migrating = true
                    } else if cluster.importingFrom[slot] != nil {
                        importing = true
                    }
                }
                if (migrating || importing) && !isShardPubSub {
                    if keyExistsUnexpired(key) { existing += 1 } else { missing += 1 }
                }
            }
        }
        guard let owner else { return nil }
        let isWrite = entry.flags.contains(.write) || (isExec && requests.contains { $0.entry.flags.contains(.write) })
        if !cluster.isOK {
            if isShardPubSub {
                if !config.bool("cluster-allow-pubsubshard-when-down") { return "CLUSTERDOWN The cluster is down" }
            } else if !config.bool("cluster-allow-reads-when-down") {
                return "CLUSTERDOWN The cluster is down"
            } else if isWrite {
                return "CLUSTERDOWN The cluster is down and only accepts read commands"
            }
        }
        if (migrating || importing) && entry.name == "migrate" { return nil }
        if migrating && missing > 0 {
            if existing > 0 { return "TRYAGAIN Multiple keys request during rehashing of slot" }
            guard let target = cluster.migratingTo[slot] else { return nil }
            return "ASK \(slot) \(preferredEndpoint(target)):\(target.port)"
        }
        if importing && (client.asking || entry.flags.contains(.asking)) {
            if multipleKeys && missing > 0 { return "TRYAGAIN Multiple keys request during rehashing of slot" }
            return nil
        }
        if (client.readOnly || isShardPubSub) && !isWrite && cluster.myself.isReplica && cluster.myself.master === owner {
            return nil
        }
        if owner !== cluster.myself { return "MOVED \(slot) \(preferredEndpoint(owner)):\(owner.port)" }
        return nil
    }

    /// lookupKeyReadWithFlags(NOTOUCH|NOSTATS|NOEXPIRE): present and not
    /// past its time, without deleting it or touching its access time.
    private func keyExistsUnexpired(_ key: [UInt8]) -> Bool {
        let database = databases[0]
        guard database.table.find(key) != nil else { return false }
        if let expireAt = database.expireTime(key), expireAt < now { return false }
        return true
    }

    /// getPreferredEndpoint.
    func preferredEndpoint(_ node: ClusterNode) -> String {
        switch config["cluster-preferred-endpoint-type"] {
        case "hostname": node.hostname.isEmpty ? "?" : node.hostname
        case "unknown-endpoint": ""
        default: node.ip
        }
    }
}
