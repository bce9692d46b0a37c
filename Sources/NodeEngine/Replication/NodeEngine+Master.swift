import NIOCore
import RDB

/// The master's side of replication: replicas are client sessions that sent
/// SYNC or PSYNC; their output carries the snapshot, then the stream.
extension NodeEngine {
    /// replicationFeedSlaves: bytes of the stream into the backlog and to
    /// every replica past its snapshot.
    func feedReplicationStream(_ bytes: ByteBuffer) {
        guard replication.backlog != nil else { return }
        appendToStream(bytes)
    }

    /// Stream bytes into the backlog (advancing the offset) and out to every
    /// replica past its snapshot; one that has not acknowledged its diskless
    /// snapshot yet gets them after it does.
    func appendToStream(_ bytes: ByteBuffer) {
        bytes.withUnsafeReadableBytes { replication.backlog!.append($0) }
        replication.offset = replication.backlog!.endOffset
        for replica in replication.replicas {
            guard let link = replica.replicaLink, link.state == .online else { continue }
            if link.waitsForFirstACK {
                replica.replicaLink!.heldStream.writeImmutableBuffer(bytes)
                continue
            }
            let idle = replica.reply.bytes.readableBytes == 0
            replica.reply.bytes.writeImmutableBuffer(bytes)
            if idle { replica.wake?() }
        }
    }

    /// SYNC / PSYNC from a replica: a partial resync from the backlog when
    /// it can be, else a full one (after repl-diskless-sync-delay when diskless).
    func attachReplica(_ client: ClientSession, _ arguments: Arguments) {
        guard client.replicaLink == nil else { return }  // a replica that says it again: ignored
        let capabilities = client.replicaCapabilities
        if !faults.partitionedFrom.isEmpty,
           isPartitioned(fromAddress: capabilities.ip ?? Self.ip(of: client), port: capabilities.listeningPort) {
            client.closeAfterReply = true  // as if the connection never came through
            return
        }
        if let master = replication.master, master.state != .connected {
            return fail(client, "NOMASTERLINK Can't SYNC while not connected with my master")
        }
        var link = ReplicaLink(state: .waitBgsave, listeningPort: capabilities.listeningPort, announcedIP: capabilities.ip,
                               capableOfEOF: capabilities.eof, capableOfPSYNC2: capabilities.psync2, ackTime: now)
        let psync = arguments.isWord(0, "psync")
        if psync {
            let id = arguments.string(1)
            guard let offset = arguments.integer(2) else { return fail(client, "ERR value is not an integer or out of range") }
            if continueReplica(client, &link, id: id, offset: offset) { return }
            if id != "?" { replication.syncPartialErr += 1 }
        } else {
            link.oldProtocol = true
        }
        replication.syncFull += 1
        client.replicaLink = link
        replication.replicas.append(client)
        if replication.replicas.count == 1 && replication.backlog == nil {
            // createReplicationBacklog: a new history starts with the first replica.
            replication.id = Self.randomID(&random)
            clearPreviousReplicationID()
            replication.backlog = ReplicationBacklog(capacity: Int(config.integer("repl-backlog-size")), endingAt: replication.offset)
        }
        log(.notice, "Replica \(replicaName(client)) asks for synchronization")
        if config.bool("repl-diskless-sync") && link.capableOfEOF && config.integer("repl-diskless-sync-delay") > 0 {
            if replication.disklessSyncWaitingSince == nil { replication.disklessSyncWaitingSince = now }
            log(.notice, "Delay next BGSAVE for diskless SYNC")
            return
        }
        startFullSyncs()
    }

    /// masterTryPartialResynchronization.
    private func continueReplica(_ client: ClientSession, _ link: inout ReplicaLink, id: String, offset: Int64) -> Bool {
        guard let backlog = replication.backlog,
              id == replication.id || (id == replication.previousID && offset <= replication.previousIDEndOffset),
              let missing = backlog.bytes(from: offset) else {
            if id != "?" {
                log(.notice, "Partial resynchronization not accepted: " + (id == replication.id || id == replication.previousID
                    ? "the offset \(offset) is not in the backlog" : "Replication ID mismatch (Replica asked for '\(id)', my replication IDs are '\(replication.id)' and '\(replication.previousID)')"))
            }
            return false
        }
        link.state = .online
        client.replicaLink = link
        replication.replicas.append(client)
        client.reply.raw(Array((link.capableOfPSYNC2 ? "+CONTINUE \(replication.id)\r\n" : "+CONTINUE\r\n").utf8))
        client.reply.raw(missing)
        replication.syncPartialOK += 1
        log(.notice, "Partial resynchronization request from \(replicaName(client)) accepted. Sending \(missing.count) bytes of backlog starting from offset \(offset).")
        return true
    }

    /// The snapshot for every replica waiting for one. It is taken at once
    /// on the engine's thread (no fork here); it then streams out while the
    /// node serves, and what was written since follows it.
    func startFullSyncs() {
        replication.disklessSyncWaitingSince = nil
        let waiting = replication.replicas.filter { $0.replicaLink?.state == .waitBgsave }
        guard !waiting.isEmpty else { return }
        let started = clock.microseconds()
        let snapshot = rdbSnapshot(replication: (replication.streamDB < 0 ? 0 : replication.streamDB, replication.id, replication.offset))
        let diskless = config.bool("repl-diskless-sync")
        log(.notice, "Starting BGSAVE for SYNC with target: \(diskless ? "replicas sockets" : "disk")")
        for replica in waiting {
            guard var link = replica.replicaLink else { continue }
            if !link.oldProtocol {
                replica.reply.raw(Array("+FULLRESYNC \(replication.id) \(replication.offset)\r\n".utf8))
            }
            if diskless && link.capableOfEOF {
                let mark = Array(Self.randomID(&random).utf8)
                replica.reply.raw(Array("$EOF:".utf8) + mark + [13, 10])
                replica.reply.raw(snapshot)
                replica.reply.raw(mark)
                link.waitsForFirstACK = true
            } else {
                replica.reply.raw(Array("$\(snapshot.count)\r\n".utf8))
                replica.reply.raw(snapshot)
            }
            link.state = .online
            replica.replicaLink = link
            replica.wake?()
            log(.notice, "Synchronization with replica \(replicaName(replica)) succeeded")
        }
        // The stream after a snapshot starts with a SELECT.
        replication.streamDB = -1
        latency.addIfNeeded("fork", microseconds: clock.microseconds() - started, now: now / 1000)
    }

    /// REPLCONF ACK <offset>: the replica has applied up to there.
    func replicaAcknowledged(_ client: ClientSession, offset: Int64) {
        guard var link = client.replicaLink else { return }
        if offset > link.ackOffset { link.ackOffset = offset }
        link.ackTime = now
        // The stream held since the snapshot goes out after this command (executeForReplica).
        link.waitsForFirstACK = false
        client.replicaLink = link
        if !replication.waitingClients.isEmpty { serveWaitingClients() }
    }

    func replicaDisconnected(_ client: ClientSession) {
        guard client.replicaLink != nil else { return }
        replication.replicas.removeAll { $0 === client }
        if replication.replicas.isEmpty { replication.noReplicasSince = now }
        log(.notice, "Connection with replica \(replicaName(client)) lost.")
    }

    /// replicationCron's master half, once a second.
    func masterReplicationCron() {
        let waitingSnapshot = replication.replicas.filter { $0.replicaLink?.state == .waitBgsave }
        for replica in waitingSnapshot {
            replica.reply.raw("\n")
            replica.wake?()
        }
        if let since = replication.disklessSyncWaitingSince {
            let maxReplicas = config.integer("repl-diskless-sync-max-replicas")
            if now - since >= config.integer("repl-diskless-sync-delay") * 1000
                || (maxReplicas > 0 && waitingSnapshot.count >= maxReplicas) { startFullSyncs() }
        }
        let timeout = config.integer("repl-timeout") * 1000
        for replica in replication.replicas {
            guard let link = replica.replicaLink, link.state == .online, !link.oldProtocol, now - link.ackTime > timeout else { continue }
            log(.warning, "Disconnecting timedout replica (streaming sync): \(replicaName(replica))")
            replica.closeAfterReply = true
            replica.wake?()
        }
        let period = max(1, config.integer("repl-ping-replica-period"))
        replication.cronTicks += 1
        if replication.master == nil && !replication.replicas.isEmpty && replication.cronTicks % period == 0 && pauseUntil <= now {
            var ping = ByteBuffer()
            Self.encodeCommand([Array("ping".utf8)], into: &ping)
            feedReplicationStream(ping)
        }
        let ttl = config.integer("repl-backlog-ttl")
        if replication.master == nil, replication.backlog != nil, replication.replicas.isEmpty, ttl > 0,
           now - replication.noReplicasSince > ttl * 1000 {
            replication.id = Self.randomID(&random)
            clearPreviousReplicationID()
            replication.backlog = nil
            log(.notice, "Replication backlog freed after \(ttl) seconds without connected replicas.")
        }
    }

    func clearPreviousReplicationID() {
        replication.previousID = ReplicationState.noID
        replication.previousIDEndOffset = -1
    }

    /// shiftReplicationId: this node starts a history of its own (a
    /// promotion); replicas of the old one may still continue up to here.
    func shiftReplicationID() {
        replication.previousID = replication.id
        replication.previousIDEndOffset = replication.offset + 1
        replication.id = Self.randomID(&random)
        log(.notice, "Setting secondary replication ID to \(replication.previousID), valid up to offset: \(replication.previousIDEndOffset). New replication ID is \(replication.id)")
    }

    /// Closes every replica's link: they come back with PSYNC.
    func disconnectReplicas() {
        for replica in replication.replicas {
            replica.closeAfterReply = true
            replica.wake?()
        }
    }

    func replicaName(_ client: ClientSession) -> String {
        "\(client.replicaLink?.announcedIP ?? Self.ip(of: client)):\(client.replicaLink?.listeningPort ?? 0)"
    }

    /// The client's address without its port.
    static func ip(of client: ClientSession) -> String {
        client.address.split(separator: ":").dropLast().joined(separator: ":")
    }

    static func randomID(_ random: inout SplitMix64Generator) -> String {
        String((0..<40).map { _ in "0123456789abcdef".randomElement(using: &random)! })
    }

    /// Replicas whose last ACK is within min-replicas-max-lag (refreshReplicationGoodReplicas).
    var goodReplicas: Int {
        let lag = config.integer("min-replicas-max-lag") * 1000
        return replication.replicas.filter { $0.replicaLink?.state == .online && now - ($0.replicaLink?.ackTime ?? 0) <= lag }.count
    }

    /// min-replicas-to-write: writes are refused without enough good replicas.
    func lacksGoodReplicas() -> Bool {
        let wanted = minReplicasToWrite
        return wanted > 0 && config.integer("min-replicas-max-lag") > 0 && replication.master == nil && goodReplicas < wanted
    }
}

/// REPLCONF's announcements, before SYNC / PSYNC.
struct ReplicaCapabilities {
    var listeningPort = 0
    var ip: String?
    var eof = false
    var psync2 = false
}

extension NodeEngine {
    /// A replica's own commands (REPLCONF ACK, a stray PING) get no reply:
    /// its connection carries the stream only, which a reply would corrupt.
    func executeForReplica(_ client: ClientSession, _ arguments: Arguments) {
        let mark = client.reply.bytes.writerIndex
        processCommand(client, arguments)
        if client.reply.bytes.writerIndex > mark { client.reply.bytes.moveWriterIndex(to: mark) }
        if let link = client.replicaLink, !link.waitsForFirstACK, link.heldStream.readableBytes > 0 {
            client.reply.bytes.writeImmutableBuffer(link.heldStream)
            client.replicaLink!.heldStream = ByteBuffer()
        }
    }
}
