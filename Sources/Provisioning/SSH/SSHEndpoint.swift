/// Where to log in: a host (name or address), its SSH port and the remote user.
public struct SSHEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String

    public init(host: String, port: Int = 22, user: String = "root") {
        self.host = host
        self.port = port
        self.user = user
    }

    public var description: String {
        port == 22 ? "\(user)@\(host)" : "\(user)@\(host):\(port)"
    }
}
