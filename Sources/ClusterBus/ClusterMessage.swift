/// One cluster bus message of Redis 7.0, byte for byte (cluster.h's
/// clusterMsg): the fixed 2256-byte header and the body its type calls for.
public struct ClusterMessage: Equatable, Sendable {
    public static let signature: [UInt8] = Array("RCmb".utf8)
    public static let headerLength = 2256
    public static let gossipLength = 104
    public static let protocolVersion: UInt16 = 1

    public var header: Header
    public var body: Body

    public init(header: Header, body: Body) {
        self.header = header
        self.body = body
    }

    public struct Header: Equatable, Sendable {
        /// The raw type: unknown types are kept and ignored, as 7.0 does.
        public var type: UInt16
        public var port: UInt16 = 0
        public var currentEpoch: UInt64 = 0
        public var configEpoch: UInt64 = 0
        public var offset: UInt64 = 0
        /// 40 lowercase hex characters.
        public var sender: String
        public var slots: [UInt8] = [UInt8](repeating: 0, count: 2048)
        /// The master's ID for a replica; nil (40 zero bytes) for a master.
        public var replicaOf: String?
        /// cluster-announce-ip; empty: "use the address you see".
        public var myIP = ""
        public var plaintextPort: UInt16 = 0
        public var busPort: UInt16 = 0
        public var flags: UInt16 = 0
        /// 0 = ok, 1 = fail.
        public var state: UInt8 = 1
        /// mflags[0]: 1 paused, 2 force ack, 4 extensions present.
        public var messageFlags: UInt8 = 0

        public init(type: ClusterMessageType, sender: String) {
            self.type = type.rawValue
            self.sender = sender
        }

        public var knownType: ClusterMessageType? { ClusterMessageType(rawValue: type) }
    }

    public static let flagPaused: UInt8 = 1
    public static let flagForceAck: UInt8 = 2
    public static let flagExtensions: UInt8 = 4

    public enum Body: Equatable, Sendable {
        /// PING, PONG and MEET.
        case gossip([GossipEntry], [PingExtension])
        case fail(nodeID: String)
        /// PUBLISH and PUBLISHSHARD.
        case publish(channel: [UInt8], message: [UInt8])
        case update(configEpoch: UInt64, nodeID: String, slots: [UInt8])
        case module(id: [UInt8], type: UInt8, payload: [UInt8])
        /// FAILOVER_AUTH_REQUEST, FAILOVER_AUTH_ACK, MFSTART.
        case empty
        /// A type 7.0 does not know: the bytes after the header, untouched.
        case unknown([UInt8])
    }
}

/// One node a PING, PONG or MEET tells about (clusterMsgDataGossip).
public struct GossipEntry: Equatable, Sendable {
    public var nodeID: String
    /// Seconds (the sender's milliseconds / 1000).
    public var pingSent: UInt32
    public var pongReceived: UInt32
    public var ip: String
    public var port: UInt16
    public var busPort: UInt16
    public var flags: UInt16
    public var plaintextPort: UInt16

    public init(nodeID: String, pingSent: UInt32, pongReceived: UInt32, ip: String, port: UInt16, busPort: UInt16,
                flags: UInt16, plaintextPort: UInt16 = 0) {
        self.nodeID = nodeID
        self.pingSent = pingSent
        self.pongReceived = pongReceived
        self.ip = ip
        self.port = port
        self.busPort = busPort
        self.flags = flags
        self.plaintextPort = plaintextPort
    }
}

/// A ping extension. 7.0.15 knows one, the hostname (type 0); others are
/// kept as they came and skipped by the node, as 7.0 skips them.
public enum PingExtension: Equatable, Sendable {
    case hostname(String)
    case other(type: UInt16, payload: [UInt8])
}
