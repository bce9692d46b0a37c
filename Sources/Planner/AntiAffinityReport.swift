/// How a layout fares when one host (or zone) fails, in words and numbers.
public struct AntiAffinityReport: Sendable, Hashable {
    public struct Problem: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable { case sameHostAsMaster, sameHostAsSiblingReplica, sameZoneAsMaster }
        public let kind: Kind
        public let replica: PlannerNode
        public let master: PlannerNode
        /// The host or zone shared.
        public let domain: String
    }

    public let problems: [Problem]
    /// redis-cli's score for the same layout (10000 per replica on its master's
    /// host, 1 per replica in a host group of 2+ replicas of one master), so the
    /// two tools can be compared on equal terms. 0 is perfect.
    public let referenceScore: Int
    /// Why the remaining problems cannot be avoided with these nodes.
    public let reasons: [String]

    public var isPerfect: Bool { problems.isEmpty }
    public var replicasWithTheirMaster: [Problem] { problems.filter { $0.kind == .sameHostAsMaster } }
    public var replicasSharingAHost: [Problem] { problems.filter { $0.kind == .sameHostAsSiblingReplica } }
}
