/// How to open and use a connection. Timeouts are in milliseconds because that
/// is how Redis users think about them (node timeouts, MIGRATE timeouts, ...).
public struct RedisConnectionOptions: Sendable, Hashable {
    public enum ProtocolVersion: Int, Sendable, Hashable { case resp2 = 2, resp3 = 3 }

    public var connectTimeoutMilliseconds: Int64
    public var commandTimeoutMilliseconds: Int64
    public var auth: RedisAuth?
    public var protocolVersion: ProtocolVersion

    public init(connectTimeoutMilliseconds: Int64 = 2_000, commandTimeoutMilliseconds: Int64 = 10_000,
                auth: RedisAuth? = nil, protocolVersion: ProtocolVersion = .resp2) {
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.commandTimeoutMilliseconds = commandTimeoutMilliseconds
        self.auth = auth
        self.protocolVersion = protocolVersion
    }
}
