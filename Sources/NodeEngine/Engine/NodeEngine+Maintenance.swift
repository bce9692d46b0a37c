import CEngineSupport
#if canImport(Glibc)
import Glibc
#endif

/// Work outside commands: the active expiry cycle, eviction under
/// maxmemory, memory figures, and hooks the server fills in.
extension NodeEngine {
    /// serverCron's share of active expiry: sample keys with a TTL and remove
    /// the expired ones, repeating while more than a quarter of a sample
    /// had expired, within a time budget (a quarter of a tick, as 7.0).
    public func cron() {
        // A busy script holds the dataset: nothing changes under it (whileBlockedCron does no more).
        guard !scriptIsBusy else { return }
        now = clock.milliseconds()
        checkSavePoints()
        appendOnlyCron()
        for client in clients.values {
            client.replyBufferSizing.resize(now: now, peakResetTime: replyBufferPeakResetTime, enabled: replyBufferResizing)
        }
        replicationCron()
        guard activeExpireEnabled, pauseUntil <= now, replication.master == nil else { return }
        // Each expired key's DEL goes out alone, as activeExpireCycle sends them.
        propagation.noMulti = true
        defer {
            propagatePending()
            propagation.noMulti = false
        }
        let hz = max(1, config.integer("hz"))
        let started = clock.microseconds()
        let budget = started + 250_000 / hz
        defer { latency.addIfNeeded("expire-cycle", microseconds: clock.microseconds() - started, now: now / 1000) }
        for db in databases.indices where !databases[db].expires.isEmpty {
            var expiredInSample = 0
            repeat {
                expiredInSample = 0
                let sample = min(20, databases[db].expires.count)
                for _ in 0..<sample {
                    guard let index = databases[db].expires.randomIndex(using: &random) else { break }
                    if databases[db].expires[value: index] < now {
                        expire(db, databases[db].expires.key(at: index))
                        expiredInSample += 1
                    }
                }
            } while expiredInSample * 4 > 20 && clock.microseconds() < budget
        }
        peakMemory = max(peakMemory, usedMemory())
    }

    /// Bytes the allocator has handed out (glibc's mallinfo2).
    public func usedMemory() -> Int64 {
        Int64(rcluster_allocated_bytes())
    }

    /// Before a command that may grow memory: evict, and refuse it if that was
    /// not enough. Inside MULTI every command but EXEC, DISCARD, QUIT and RESET
    /// is refused then (the queue grows), and EXEC when its queue holds one that would be.
    func memoryRefusal(_ entry: CommandEntry, _ client: ClientSession) -> String? {
        guard maxmemory > 0 else { return nil }
        let queues = client.transaction != nil && !["exec", "discard", "quit", "reset"].contains(entry.name)
        let refusable = entry.flags.contains(.denyOOM) || queues || (entry.name == "exec" && (client.transaction ?? []).contains {
            commands.lookup($0)?.flags.contains(.denyOOM) ?? false
        })
        guard refusable || entry.flags.contains(.write) else { return nil }
        guard performEvictions(), refusable else { return nil }
        return "OOM command not allowed when used memory > 'maxmemory'."
    }

    /// performEvictions: keys go by the policy until memory is under maxmemory;
    /// true when it is still over. Also run at once when CONFIG SET lowers the limit.
    @discardableResult
    func performEvictions() -> Bool {
        let limit = maxmemory
        guard limit > 0, pauseUntil <= now else { return false }
        // replica-ignore-maxmemory: a replica's keys go when its master's do.
        if replication.master != nil && config.bool("replica-ignore-maxmemory") { return false }
        var used = usedMemory()
        guard used > limit else { return false }
        let policy = config["maxmemory-policy"]
        if policy != "noeviction" {
            propagation.noMulti = true
            defer {
                propagatePending()
                propagation.noMulti = false
            }
            var attempts = 0
            while used > limit && attempts < 1_000_000 {
                guard evictOne(policy: policy) else { break }
                attempts += 1
                if attempts % 16 == 0 { used = usedMemory() }
            }
            used = usedMemory()
        }
        return used > limit
    }

    /// Picks the best of `maxmemory-samples` candidates by the policy and deletes it.
    private func evictOne(policy: String) -> Bool {
        let samples = Int(config.integer("maxmemory-samples"))
        let volatile = policy.hasPrefix("volatile")
        var best: (db: Int, key: [UInt8], score: Int64)?
        for db in databases.indices {
            let pool = volatile ? databases[db].expires.count : databases[db].count
            guard pool > 0 else { continue }
            for _ in 0..<samples {
                let key: [UInt8]
                let score: Int64
                if volatile {
                    guard let index = databases[db].expires.randomIndex(using: &random) else { break }
                    key = databases[db].expires.key(at: index)
                    guard let mainIndex = databases[db].table.find(key) else { continue }
                    score = policy.hasSuffix("ttl") ? databases[db].expires[value: index]
                        : evictionScore(databases[db].table.stamps[mainIndex])
                } else {
                    guard let index = databases[db].table.randomIndex(using: &random) else { break }
                    key = databases[db].table.key(at: index)
                    score = evictionScore(databases[db].table.stamps[index])
                }
                let randomPolicy = policy.hasSuffix("random")
                if best == nil || (!randomPolicy && score < best!.score) { best = (db, key, score) }
                if randomPolicy { break }
            }
        }
        guard let victim = best else { return false }
        databases[victim.db].remove(victim.key)
        if propagates { propagateDeletion(victim.db, victim.key, lazy: config.bool("lazyfree-lazy-eviction")) }
        modified(victim.db, victim.key)
        stats.evictedKeys += 1
        notify(.evicted, "evicted", victim.key, db: victim.db)
        return true
    }

    /// Lower is evicted first: the least recent access, or the fewest (LFU).
    private func evictionScore(_ stamp: UInt32) -> Int64 {
        usesLFU ? Int64(lfuCounter(stamp)) : Int64(stamp)
    }

    /// DEBUG POPULATE count [prefix] [size]: keys prefix:N with value:N (padded with zeros to size).
    func populate(_ client: ClientSession, count: Int, prefix: String, size: Int) {
        for number in 0..<count {
            let key = Array("\(prefix):\(number)".utf8)
            guard index(client.db, key) == nil else { continue }
            var value = Array("value:\(number)".utf8)
            if size > 0 {
                value = Array(value.prefix(size))
                if value.count < size { value += [UInt8](repeating: 0, count: size - value.count) }
            }
            databases[client.db].table.insert(key, .string(size > 0 ? .created(value) : .encoded(value)), stamp: newKeyStamp)
        }
        dirty += Int64(count)
    }
}

extension NodeEngine {
    public func countInput(_ bytes: Int) { stats.netInputBytes += Int64(bytes) }
    public func countOutput(_ bytes: Int) { stats.netOutputBytes += Int64(bytes) }
}
