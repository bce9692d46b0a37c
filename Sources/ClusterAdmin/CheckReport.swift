import ClusterModel

/// The facts a cluster check establishes, section by section as the reference
/// prints them, plus findings that decide the exit code.
public struct CheckReport: Sendable {
    public struct OpenSlot: Sendable, Hashable {
        public enum State: String, Sendable { case migrating, importing }
        public let node: NodeAddress
        public let nodeID: String
        public let slot: Int
        public let state: State
        /// The node the slot is migrating to, or importing from.
        public let peerID: String
    }

    public struct SlotOwners: Sendable, Hashable {
        public let slot: Int
        public let ownerIDs: [String]
    }

    public let snapshot: ClusterSnapshot
    /// Reachable nodes grouped by their view of who owns which slots; one group when all agree.
    public let agreementGroups: [[ObservedNode]]
    public let openSlots: [OpenSlot]
    public let uncoveredSlots: SlotSet
    /// Filled only when multiple-owner search was asked for.
    public let multipleOwners: [SlotOwners]?
    public let findings: [CheckFinding]

    public var nodesAgree: Bool { agreementGroups.count <= 1 }
    public var isHealthy: Bool { !findings.contains { $0.severity == .error } }

    /// Refuses an operation on a cluster that does not pass its check,
    /// listing every error with what to do.
    public func requireHealthy(before operation: String) throws(ClusterAdminError) {
        guard !isHealthy else { return }
        throw .refused((["Please fix your cluster problems before \(operation):"]
            + findings.filter { $0.severity == .error }.map { "  - \($0.message)" }).joined(separator: "\n"))
    }

    /// Distinct slots that are open on some node, ascending.
    public var openSlotNumbers: [Int] { Set(openSlots.map(\.slot)).sorted() }
}

/// One problem found, in words a user can act on.
public struct CheckFinding: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Codable { case warning, error }

    public enum Kind: String, Sendable, Codable {
        case unreachableNode = "unreachable-node"
        case failingNode = "failing-node"
        case handshakeNode = "handshake-node"
        case configDisagreement = "config-disagreement"
        case openSlot = "open-slot"
        case uncoveredSlots = "uncovered-slots"
        case unknownMaster = "unknown-master"
        case multipleOwners = "multiple-owners"
    }

    public let severity: Severity
    public let kind: Kind
    public let message: String
    /// The node concerned, as host:port, when there is one.
    public let node: String?
    public let slots: [Int]?

    public init(_ severity: Severity, _ kind: Kind, _ message: String, node: String? = nil, slots: [Int]? = nil) {
        self.severity = severity
        self.kind = kind
        self.message = message
        self.node = node
        self.slots = slots
    }
}
