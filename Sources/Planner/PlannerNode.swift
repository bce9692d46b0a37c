import ClusterModel

/// A node to place, with its failure domains: the physical host it runs on
/// and, optionally, the zone or rack that host sits in.
public struct PlannerNode: Hashable, Sendable, Codable {
    public let address: NodeAddress
    /// Nodes with the same host fail together; by default the resolved IP.
    public let host: String
    public let zone: String?

    public init(address: NodeAddress, host: String, zone: String? = nil) {
        self.address = address
        self.host = host
        self.zone = zone
    }
}
