/// A flag in the third field of a CLUSTER NODES line. Unknown flags from newer
/// servers are kept as they are, so a line always prints back unchanged.
public struct NodeFlag: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let myself = NodeFlag("myself")
    public static let master = NodeFlag("master")
    public static let replica = NodeFlag("slave")
    public static let possiblyFailing = NodeFlag("fail?")
    public static let failing = NodeFlag("fail")
    public static let handshake = NodeFlag("handshake")
    public static let noAddress = NodeFlag("noaddr")
    public static let noFailover = NodeFlag("nofailover")
    public static let none = NodeFlag("noflags")

    public var description: String { rawValue }
}
