/// The replication history in dump.rdb (rdbPopulateSaveInfo and
/// loadDataFromDisk): a node restarted from its RDB continues where it
/// was, so a replica resumes with a partial resync and a master's replicas can too.
extension NodeEngine {
    /// What a SAVE/BGSAVE writes as repl-stream-db, repl-id and repl-offset:
    /// a master in a replication chain, or a replica that knows its master's DB.
    var snapshotReplicationInfo: (streamDB: Int, id: String, offset: Int64)? {
        if replication.master == nil {
            guard replication.backlog != nil else { return nil }
            return (replication.streamDB < 0 ? 0 : replication.streamDB, replication.id, replication.offset)
        }
        return (replication.master?.client?.db ?? 0, replication.id, replication.offset)
    }

    static func replicationInfo(inAux aux: [(String, String)]) -> (id: String, offset: Int64)? {
        guard let id = aux.last(where: { $0.0 == "repl-id" })?.1, id.count == 40,
              let offset = aux.last(where: { $0.0 == "repl-offset" }).flatMap({ Int64($0.1) }), offset >= 0,
              aux.contains(where: { $0.0 == "repl-stream-db" }) else { return nil }
        return (id, offset)
    }

    /// At start, once the role is known: a replica takes the history as its
    /// own (what it asks PSYNC to continue), a master keeps it as its
    /// previous one so its replicas can continue.
    func restoreSavedReplication(asReplica: Bool) {
        guard let saved = replication.savedReplication else { return }
        replication.savedReplication = nil
        if asReplica {
            replication.id = saved.id
            replication.offset = saved.offset
        } else {
            replication.previousID = saved.id
            replication.previousIDEndOffset = saved.offset + 1
            replication.offset = saved.offset
            replication.backlog = ReplicationBacklog(capacity: Int(config.integer("repl-backlog-size")), endingAt: saved.offset)
            replication.noReplicasSince = now
        }
    }
}
