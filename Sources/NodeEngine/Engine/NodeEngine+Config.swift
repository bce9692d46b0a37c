/// A configuration change reaching the engine: the values it keeps out of
/// the config table for speed, and the effects a change has at once.
extension NodeEngine {
    /// The settings read on hot paths, kept out of the config table: read at
    /// start and after every change.
    func readCachedConfig() {
        encodingLimits = config.encodingLimits
        maxmemory = config.integer("maxmemory")
        minReplicasToWrite = config.integer("min-replicas-to-write")
        streamNodeLimits = StreamValue.NodeLimits(maxBytes: Int(config.integer("stream-node-max-bytes")),
                                                  maxEntries: Int(config.integer("stream-node-max-entries")))
        scripting.busyReplyThreshold = config.integer("busy-reply-threshold")
        usesLFU = config["maxmemory-policy"].hasSuffix("lfu")
        slowlogThreshold = config.integer("slowlog-log-slower-than")
        outputLimits = OutputBufferLimits(config)
        updateMyselfFlags()
        keyspaceEvents = KeyspaceEvents(letters: config["notify-keyspace-events"]) ?? []
        latency.threshold = config.integer("latency-monitor-threshold")
        latency.tracksCommands = config.bool("latency-tracking")
        aof.timestamps = config.bool("aof-timestamp-enabled")
        aof.fsyncPolicy = AOFState.FsyncPolicy(rawValue: config["appendfsync"]) ?? .everysec
    }

    public func applyConfig(_ changes: [(name: String, value: String)]) {
        config.apply(changes)
        // The server changed into the new dir (configApplier); keep its absolute path.
        if changes.contains(where: { $0.name == "dir" }) { config.record("dir", workingDirectory) }
        // cluster-announce-ip/port/bus-port/hostname take effect at once, as in clusterUpdateMyself*.
        if changes.contains(where: { $0.name.hasPrefix("cluster-announce-") }) { updateMyselfAddress() }
        readCachedConfig()
        if changes.contains(where: { $0.name == "maxmemory" }) { performEvictions() }
        // resizeReplicationBacklog: the history that fits is kept.
        if changes.contains(where: { $0.name == "repl-backlog-size" }), replication.backlog != nil {
            replication.backlog!.resize(to: Int(config.integer("repl-backlog-size")))
        }
        // masterauth, masteruser and the announced address go into the next handshake;
        // replica-read-only and the rest are read where they act.
        for warning in ConfigGaps.warnings(after: changes, config) { log(.warning, "WARNING \(warning)") }
        if changes.contains(where: { $0.name == "requirepass" }) && !requiresPassword {
            for client in clients.values { client.authenticated = true }
        }
    }
}
