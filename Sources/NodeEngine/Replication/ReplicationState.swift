import NIOCore

/// Everything a node knows about replication, both sides: the history its
/// data belongs to (replication IDs and offsets), the backlog, the replicas
/// attached to it, and, when it is a replica, its link to the master.
struct ReplicationState {
    /// master_replid: the history this node's data belongs to.
    var id: String
    /// master_replid2 and second_repl_offset: the history before the last
    /// change of ID (a promotion), served to replicas up to that offset.
    var previousID = String(repeating: "0", count: 40)
    var previousIDEndOffset: Int64 = -1
    /// master_repl_offset: bytes of the replication stream this node has
    /// produced (a master) or applied (a replica).
    var offset: Int64 = 0
    var backlog: ReplicationBacklog?
    /// When the last replica went (repl-backlog-ttl counts from then).
    var noReplicasSince: Int64 = 0
    /// Replicas attached (their client sessions), in the order they came.
    var replicas: [ClientSession] = []
    /// The DB the stream last SELECTed (-1: the next command selects).
    var streamDB = -1
    /// A full sync waiting for repl-diskless-sync-delay: since when.
    var disklessSyncWaitingSince: Int64?

    /// Replica side: the master and the link to it.
    var master: MasterLink?

    /// +FULLRESYNC's history and offset, while its RDB arrives.
    var pendingFullResync: (id: String, offset: Int64)?
    /// repl-id and repl-offset of the RDB loaded at start, until the role is known.
    var savedReplication: (id: String, offset: Int64)?

    /// Clients in WAIT, and whether the replicas must be asked where they are.
    var waitingClients: [ClientSession] = []
    var acknowledgementsWanted = false
    var cronTicks: Int64 = 0
    var cronAt: Int64 = 0

    var syncFull: Int64 = 0
    var syncPartialOK: Int64 = 0
    var syncPartialErr: Int64 = 0

    init(id: String) {
        self.id = id
    }

    static let noID = String(repeating: "0", count: 40)
}

/// A replica's link to its master as the replica keeps it (server.master,
/// repl_state and the cached master of redis-server).
struct MasterLink {
    let host: String
    let port: Int
    var state: State = .connect
    /// Which connection attempt is current: events of an older one are dropped.
    var attempt = 0
    var handshake = MasterHandshake(psyncID: "?", psyncOffset: -1, authentication: nil, listeningPort: 0,
                                    announcedIP: nil)
    /// The master's session once the stream flows (CLIENT_MASTER).
    var client: ClientSession?
    /// The RDB arriving in a full sync.
    var transfer: SnapshotTransfer?
    /// When the master last sent anything (repl-timeout, master_last_io_seconds_ago),
    /// and since when the link is down: nil while it is up, and "ever" for a
    /// replica that never had its master's data (repl_down_since 0), which
    /// a failover's data-age check then refuses.
    var lastIO: Int64 = 0
    var downSince: Int64?
    /// Bytes of the stream read from the master but not applied yet (a command cut in two).
    var pendingStream = ByteBuffer()

    enum State: Equatable {
        case connect, connecting, handshake, transfer, connected
    }

    init(host: String, port: Int, downSince: Int64?) {
        self.host = host
        self.port = port
        self.downSince = downSince
    }
}

/// What the master knows of one replica (a client that sent SYNC or PSYNC).
struct ReplicaLink {
    enum State: String { case waitBgsave = "wait_bgsave", sendBulk = "send_bulk", online }
    var state: State
    var listeningPort: Int
    var announcedIP: String?
    var capableOfEOF: Bool
    var capableOfPSYNC2: Bool
    /// REPLCONF ACK: the replica's applied offset, and when it last said so.
    var ackOffset: Int64 = 0
    var ackTime: Int64
    /// A diskless full sync: the stream waits for the first ACK after the RDB.
    var waitsForFirstACK = false
    var heldStream = ByteBuffer()
    /// A full sync asked for with SYNC: no +FULLRESYNC line.
    var oldProtocol = false
}
