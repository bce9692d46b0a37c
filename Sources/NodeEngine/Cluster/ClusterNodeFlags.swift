/// A node's flags with the bus's bit values (cluster.h), so the header and
/// gossip sections carry them as they are.
public struct ClusterNodeFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let master = ClusterNodeFlags(rawValue: 1)
    public static let replica = ClusterNodeFlags(rawValue: 2)
    public static let possiblyFailing = ClusterNodeFlags(rawValue: 4)
    public static let failing = ClusterNodeFlags(rawValue: 8)
    public static let myself = ClusterNodeFlags(rawValue: 16)
    public static let handshake = ClusterNodeFlags(rawValue: 32)
    public static let noAddress = ClusterNodeFlags(rawValue: 64)
    public static let meet = ClusterNodeFlags(rawValue: 128)
    public static let migrateTo = ClusterNodeFlags(rawValue: 256)
    public static let noFailover = ClusterNodeFlags(rawValue: 512)

    /// CLUSTER NODES order and names (representClusterNodeFlags).
    static let printed: [(ClusterNodeFlags, String)] = [
        (.myself, "myself"), (.master, "master"), (.replica, "slave"), (.possiblyFailing, "fail?"),
        (.failing, "fail"), (.handshake, "handshake"), (.noAddress, "noaddr"), (.noFailover, "nofailover"),
    ]

    var text: String {
        let names = Self.printed.filter { contains($0.0) }.map(\.1)
        return names.isEmpty ? "noflags" : names.joined(separator: ",")
    }

    /// One nodes.conf flag token; nil for one redis-server does not know.
    init?(token: Substring) {
        switch token.lowercased() {
        case "noflags": self = []
        default:
            guard let flag = Self.printed.first(where: { $0.1 == token.lowercased() }) else { return nil }
            self = flag.0
        }
    }
}
