import NIOCore
import RDB

/// What the engine asks of the replica's link to its master; the server
/// carries it out on the engine's loop and reports back through the
/// masterLink entry points, naming the attempt.
public enum ReplicationAction {
    case connect(host: String, port: Int, attempt: Int, timeoutMilliseconds: Int64)
    case send(ByteBuffer, attempt: Int)
    case close(attempt: Int)
}

/// The replica's side: the link to the master, the handshake, the
/// snapshot, then the master's stream applied as a client whose replies
/// are dropped (CLIENT_MASTER).
extension NodeEngine {
    public var isReplica: Bool { replication.master != nil }

    /// replicationSetMaster: every way a node becomes a replica (REPLICAOF,
    /// the replicaof directive, CLUSTER REPLICATE, a failover seen on the
    /// bus) comes here, so INFO, CLUSTER NODES and the link agree.
    func replicationSetMaster(host: String, port: Int) {
        if let master = replication.master, master.host == host, master.port == port { return }
        let wasMaster = replication.master == nil
        dropMasterLink()
        // repl_down_since is the node's, not the link's: a new master keeps the old link's down time.
        let downSince = replication.master?.downSince
        if wasMaster {
            // replicationCacheMasterUsingMyself: this node's own history is
            // what it asks to continue; the stream after this starts with a SELECT.
            replication.streamDB = -1
        }
        unblockForRoleChange()
        replication.master = MasterLink(host: host, port: port, downSince: downSince)
        log(.notice, "Connecting to MASTER \(host):\(port)")
        connectToMaster()
    }

    /// replicationUnsetMaster: REPLICAOF NO ONE, or a promotion. The node's
    /// data starts a history of its own; replicas continue with +CONTINUE.
    func replicationUnsetMaster() {
        guard replication.master != nil else { return }
        dropMasterLink()
        replication.master = nil
        shiftReplicationID()
        disconnectReplicas()
        unblockForRoleChange()
        replication.streamDB = -1
        if replication.backlog == nil {
            replication.backlog = ReplicationBacklog(capacity: Int(config.integer("repl-backlog-size")), endingAt: replication.offset)
        }
        replication.noReplicasSince = now
        log(.notice, "MASTER MODE enabled")
        // An AOF stopped by a full sync that did not finish comes back.
        if config.bool("appendonly") && aof.status == .off { restartAppendOnlyAfterSync() }
    }

    /// Clients blocked on keys or WAIT are told the role changed (-UNBLOCKED), as 7.0 does.
    private func unblockForRoleChange() {
        for client in clients.values where client.blocked != nil {
            unblock(client)
            client.reply.error("UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)")
            client.wake?()
        }
    }

    private func connectToMaster() {
        guard var master = replication.master, !isPartitioned(fromAddress: master.host, port: master.port) else { return }
        master.attempt += 1
        master.state = .connecting
        master.lastIO = now
        master.transfer = nil
        master.pendingStream = ByteBuffer()
        let password = config["masterauth"]
        let user = config["masteruser"]
        master.handshake = MasterHandshake(
            psyncID: replication.id, psyncOffset: replication.offset + 1,
            authentication: password.isEmpty ? nil : (user.isEmpty ? nil : user, password),
            listeningPort: Int(config.integer("replica-announce-port")) != 0 ? Int(config.integer("replica-announce-port")) : port,
            announcedIP: config["replica-announce-ip"].isEmpty ? nil : config["replica-announce-ip"])
        replication.master = master
        replicationOutput?(.connect(host: master.host, port: master.port, attempt: master.attempt,
                                    timeoutMilliseconds: config.integer("repl-timeout") * 1000))
    }

    /// The link goes: the master's client is freed, its transaction dropped.
    func dropMasterLink() {
        guard var master = replication.master else { return }
        if master.state != .connect { replicationOutput?(.close(attempt: master.attempt)) }
        if let client = master.client {
            clients[client.id] = nil
            discardTransaction(client)
        }
        if master.state == .connected { master.downSince = now }
        master.client = nil
        master.transfer = nil
        master.state = .connect
        replication.master = master
    }

    // MARK: Entry points for the server

    public func masterLinkConnected(attempt: Int) {
        now = clock.milliseconds()
        guard var master = replication.master, master.attempt == attempt, master.state == .connecting else { return }
        log(.notice, "MASTER <-> REPLICA sync started")
        master.state = .handshake
        master.lastIO = now
        let outcome = master.handshake.connected()
        replication.master = master
        perform(outcome)
    }

    public func masterLinkFailed(attempt: Int, reason: String) {
        now = clock.milliseconds()
        guard let master = replication.master, master.attempt == attempt else { return }
        if master.state == .connected {
            log(.notice, "Connection with master lost.")
            log(.notice, "* Caching the disconnected master state.")
        } else {
            log(.warning, "Error condition on socket for SYNC: \(reason)")
        }
        dropMasterLink()
    }

    public func masterLinkReceived(attempt: Int, _ bytes: inout ByteBuffer) {
        now = clock.milliseconds()
        // No local copy of the link: it would share the RDB arriving and make each chunk copy it.
        guard replication.master?.attempt == attempt else { return }
        replication.master!.lastIO = now
        while bytes.readableBytes > 0, let state = replication.master?.state, replication.master?.attempt == attempt {
            switch state {
            case .connect, .connecting:
                return
            case .handshake:
                guard let newline = bytes.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else { return }
                var line = bytes.readString(length: newline - bytes.readerIndex) ?? ""
                bytes.moveReaderIndex(forwardBy: 1)
                if line.hasSuffix("\r") { line.removeLast() }
                perform(replication.master!.handshake.received(line))
            case .transfer:
                receiveSnapshot(&bytes)
            case .connected:
                applyMasterStream(&bytes)
                return
            }
        }
    }

    private func perform(_ outcome: MasterHandshake.Outcome) {
        guard let master = replication.master else { return }
        switch outcome {
        case .wait:
            break
        case .send(let commands):
            var buffer = ByteBuffer()
            for command in commands { buffer.writeString(command) }
            replicationOutput?(.send(buffer, attempt: master.attempt))
        case .fullResync(let id, let offset):
            log(.notice, "Full resync from master: \(id):\(offset)")
            replication.master!.state = .transfer
            replication.master!.transfer = SnapshotTransfer()
            replication.pendingFullResync = (id, offset)
        case .continued(let newID):
            log(.notice, "Successful partial resynchronization with master.")
            if let newID, newID != replication.id {
                replication.previousID = replication.id
                replication.previousIDEndOffset = replication.offset + 1
                replication.id = newID
                disconnectReplicas()
                log(.notice, "Master replication ID changed to \(newID)")
            }
            log(.notice, "MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.")
            becomeConnected()
        case .retry(let reason):
            log(.notice, reason)
            dropMasterLink()
        case .fail(let reason):
            log(.warning, reason)
            dropMasterLink()
        }
    }

    private func receiveSnapshot(_ bytes: inout ByteBuffer) {
        // Taken out while it grows: a copy left behind would make every chunk copy the whole RDB so far.
        guard var transfer = replication.master?.transfer else { return }
        replication.master!.transfer = nil
        let payload: [UInt8]?
        do {
            payload = try transfer.feed(&bytes)
        } catch {
            if case .badHeader(let reason) = error { log(.warning, reason) }
            dropMasterLink()
            return
        }
        replication.master!.transfer = transfer
        guard let payload, let (id, offset) = replication.pendingFullResync else { return }
        log(.notice, "MASTER <-> REPLICA sync: receiving \(payload.count) bytes from master to disk")
        // replicationAttachToNewMaster: sub-replicas and the old backlog belong to the old history.
        disconnectReplicas()
        replication.backlog = nil
        // The AOF stops while the master's dataset replaces ours, and restarts with a rewrite of it.
        if aof.status != .off { stopAppendOnly() }
        log(.notice, "MASTER <-> REPLICA sync: Flushing old data")
        for db in databases.indices { flush(db) }
        flushFunctions()
        log(.notice, "MASTER <-> REPLICA sync: Loading DB in memory")
        do {
            _ = try loadRDB(payload, keepingExpired: true)
        } catch {
            log(.warning, "Failed trying to load the MASTER synchronization DB from socket: \(error)")
            for db in databases.indices { databases[db].removeAll() }
            dropMasterLink()
            return
        }
        replication.id = id
        replication.offset = offset
        clearPreviousReplicationID()
        replication.backlog = ReplicationBacklog(capacity: Int(config.integer("repl-backlog-size")), endingAt: offset)
        replication.pendingFullResync = nil
        dirty += 1
        log(.notice, "MASTER <-> REPLICA sync: Finished with success")
        let diskless: Bool
        if case .endMark = transfer.framing { diskless = true } else { diskless = false }
        becomeConnected()
        // A diskless master streams nothing more until it hears where we are.
        if diskless { sendACK() }
        if config.bool("appendonly") { restartAppendOnlyAfterSync() }
    }

    private func becomeConnected() {
        guard var master = replication.master else { return }
        let client = ClientSession(id: nextClientIdentifier(), address: "\(master.host):\(master.port)", localAddress: "",
                                   isLoopback: true, authenticated: true, now: now, maxBulkLength: Int.max)
        client.isMaster = true
        clients[client.id] = client
        master.client = client
        master.state = .connected
        master.downSince = nil
        master.transfer = nil
        replication.master = master
    }

    /// The master's stream: each whole command is applied (its replies
    /// dropped), counted in the offset once it is not inside MULTI, and passed
    /// on verbatim to this node's backlog and replicas.
    private func applyMasterStream(_ bytes: inout ByteBuffer) {
        guard let client = replication.master?.client else { return }
        var stream = replication.master!.pendingStream
        replication.master!.pendingStream = ByteBuffer()
        stream.writeBuffer(&bytes)
        // ByteBuffer's get methods read only past the reader index: `whole` keeps the start readable.
        let whole = stream
        var unapplied = stream.readerIndex
        servingMaster = true
        batchClock = clock.microseconds()
        defer {
            servingMaster = false
            batchClock = nil
        }
        while stream.readableBytes > 0, replication.master?.client === client {
            switch client.parser.next(from: &stream, authRequired: false) {
            case .incomplete:
                // A MULTI not closed yet: its commands are parsed again once the rest arrives.
                if client.transaction != nil { discardTransaction(client) }
                stream.moveReaderIndex(to: unapplied)
                replication.master?.pendingStream = stream
                return
            case .empty:
                break
            case .protocolError(let message):
                log(.warning, "Protocol error from MASTER: \(message). Closing the link.")
                dropMasterLink()
                return
            case .command(let arguments):
                processCommand(client, arguments)
                client.reply.bytes.clear()
            }
            if client.transaction == nil {
                let applied = whole.getSlice(at: unapplied, length: stream.readerIndex - unapplied) ?? ByteBuffer()
                unapplied = stream.readerIndex
                passOnMasterStream(applied)
            }
        }
        if unapplied < stream.readerIndex {
            stream.moveReaderIndex(to: unapplied)
            // A MULTI not yet closed: its commands are parsed again once EXEC arrives.
            discardTransaction(client)
            replication.master?.pendingStream = stream
        }
    }

    /// replicationFeedStreamFromMasterStream.
    private func passOnMasterStream(_ bytes: ByteBuffer) {
        guard bytes.readableBytes > 0 else { return }
        if replication.backlog == nil {
            replication.backlog = ReplicationBacklog(capacity: Int(config.integer("repl-backlog-size")), endingAt: replication.offset)
        }
        appendToStream(bytes)
    }

    /// REPLCONF ACK <offset> to the master.
    func sendACK() {
        guard let master = replication.master, master.state == .connected else { return }
        var buffer = ByteBuffer()
        for line in MasterHandshake.encode(["REPLCONF", "ACK", String(replication.offset)]) { buffer.writeString(line) }
        replicationOutput?(.send(buffer, attempt: master.attempt))
    }

    /// replicationCron's replica half, once a second.
    func replicaReplicationCron() {
        guard let master = replication.master else { return }
        let timeout = config.integer("repl-timeout") * 1000
        switch master.state {
        case .connect:
            connectToMaster()
        case .connecting, .handshake, .transfer:
            if now - master.lastIO > timeout {
                log(.warning, master.state == .transfer ? "Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value."
                                                         : "Timeout connecting to the MASTER...")
                dropMasterLink()
            }
        case .connected:
            if now - master.lastIO > timeout {
                log(.warning, "MASTER timeout: no data nor PING received...")
                dropMasterLink()
            } else {
                sendACK()
            }
        }
    }
}

extension NodeEngine {
    /// The master's commands skip authentication, redirection and the
    /// refusals meant for clients: what the master did must happen here.
    func processFromMaster(_ entry: CommandEntry, _ client: ClientSession, _ arguments: Arguments) {
        if client.transaction != nil && !Self.transactionControl.contains(entry.name) {
            client.transaction!.append(arguments)
            return
        }
        call(entry, client, arguments)
        if !readyKeys.isEmpty { serveReadyKeys() }
    }

    /// processCommand's replication checks, in 7.0's order: too few good
    /// replicas, a read-only replica, a replica without its master.
    func replicationRefusal(_ entry: CommandEntry, _ client: ClientSession) -> String? {
        guard replication.master != nil || minReplicasToWrite > 0 else { return nil }
        let writes = entry.flags.contains(.write) || (entry.name == "exec" && (client.transaction ?? []).contains {
            commands.lookup($0)?.flags.contains(.write) ?? false
        })
        if writes && lacksGoodReplicas() { return "NOREPLICAS Not enough good replicas to write." }
        guard let master = replication.master else { return nil }
        if writes && config.bool("replica-read-only") && !client.isMaster {
            return "READONLY You can't write against a read only replica."
        }
        // is_denystale_command: EXEC is stale-safe itself, not so a transaction with a command that is not.
        let deniedWhenStale = !entry.flags.contains(.stale) || (entry.name == "exec" && (client.transaction ?? []).contains {
            !(commands.lookup($0)?.flags.contains(.stale) ?? false)
        })
        if master.state != .connected && !config.bool("replica-serve-stale-data") && deniedWhenStale {
            return "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."
        }
        return nil
    }
}

extension NodeEngine {
    /// At start: the replicaof directive (standalone; a cluster node follows nodes.conf).
    public func startReplication() {
        now = clock.milliseconds()
        replication.noReplicasSince = now
        let words = config["replicaof"].split(separator: " ")
        let replicates = cluster?.myself.isReplica ?? (words.count == 2)
        restoreSavedReplication(asReplica: replicates)
        if cluster != nil { return followClusterRole() }
        guard words.count == 2, let port = Int(words[1]) else { return }
        replicationSetMaster(host: String(words[0]), port: port)
    }
}
