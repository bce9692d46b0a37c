/// One line of CLUSTER NODES: what one node believes about one node of the cluster.
public struct ClusterNodeEntry: Hashable, Sendable {
    public enum LinkState: String, Sendable { case connected, disconnected }

    public var id: String
    /// The announced IP; empty when the node has no address yet (`noaddr`).
    public var ip: String
    public var port: Int
    public var busPort: Int
    /// `cluster-announce-hostname`, shown after a comma in the address field.
    public var hostname: String?
    public var flags: [NodeFlag]
    /// The master's ID for a replica; nil for `-`.
    public var masterID: String?
    public var pingSent: Int64
    public var pongReceived: Int64
    public var configEpoch: UInt64
    public var linkState: LinkState
    public var slotTokens: [SlotToken]

    public init(id: String, ip: String, port: Int, busPort: Int, hostname: String? = nil,
                flags: [NodeFlag], masterID: String? = nil, pingSent: Int64 = 0, pongReceived: Int64 = 0,
                configEpoch: UInt64 = 0, linkState: LinkState = .connected, slotTokens: [SlotToken] = []) {
        self.id = id
        self.ip = ip
        self.port = port
        self.busPort = busPort
        self.hostname = hostname
        self.flags = flags
        self.masterID = masterID
        self.pingSent = pingSent
        self.pongReceived = pongReceived
        self.configEpoch = configEpoch
        self.linkState = linkState
        self.slotTokens = slotTokens
    }

    public func has(_ flag: NodeFlag) -> Bool { flags.contains(flag) }
    public var isMyself: Bool { has(.myself) }
    public var isMaster: Bool { has(.master) }
    public var isReplica: Bool { has(.replica) }
    /// Marked `fail` or `fail?` by the node that printed the line.
    public var isFailing: Bool { has(.failing) || has(.possiblyFailing) }

    public var address: NodeAddress { NodeAddress(host: ip, port: port) }

    public var slotRanges: [SlotRange] {
        slotTokens.compactMap { if case .owned(let range) = $0 { range } else { nil } }
    }

    public var slots: SlotSet { SlotSet(ranges: slotRanges) }

    public var migrating: [(slot: Int, to: String)] {
        slotTokens.compactMap { if case .migrating(let slot, let node) = $0 { (slot, node) } else { nil } }
    }

    public var importing: [(slot: Int, from: String)] {
        slotTokens.compactMap { if case .importing(let slot, let node) = $0 { (slot, node) } else { nil } }
    }
}
