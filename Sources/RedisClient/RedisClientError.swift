import ClusterModel
import RESP

/// Everything a connection can fail with, each naming the node involved.
public enum RedisClientError: Error, Sendable, CustomStringConvertible {
    case connectFailed(NodeAddress, reason: String)
    case connectTimedOut(NodeAddress, milliseconds: Int64)
    case commandTimedOut(NodeAddress, command: String, milliseconds: Int64)
    case connectionClosed(NodeAddress)
    /// The transport failed otherwise (a reset, a write error, a reply no
    /// command asked for): the reason says which, so it is never mistaken
    /// for the server's orderly close.
    case connectionBroken(NodeAddress, reason: String)
    case protocolError(NodeAddress, RESPProtocolError)
    case authFailed(NodeAddress, RedisServerError)
    case server(NodeAddress, RedisServerError)
    case unexpectedReply(NodeAddress, command: String, reply: String)

    public var address: NodeAddress {
        switch self {
        case .connectFailed(let address, _), .connectTimedOut(let address, _), .commandTimedOut(let address, _, _),
             .connectionClosed(let address), .connectionBroken(let address, _), .protocolError(let address, _), .authFailed(let address, _),
             .server(let address, _), .unexpectedReply(let address, _, _):
            return address
        }
    }

    /// The server's error reply, when that is what failed.
    public var serverError: RedisServerError? {
        switch self {
        case .server(_, let error), .authFailed(_, let error): return error
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .connectFailed(let address, let reason):
            return "\(address): cannot connect (\(reason)); is the node running and is the address right?"
        case .connectTimedOut(let address, let milliseconds):
            return "\(address): no connection within \(milliseconds) ms; is a firewall dropping the port, or the host down?"
        case .commandTimedOut(let address, let command, let milliseconds):
            return "\(address): no reply to \(command) within \(milliseconds) ms; the node may be busy or blocked"
        case .connectionClosed(let address):
            return "\(address): the connection was closed by the server"
        case .connectionBroken(let address, let reason):
            return "\(address): the connection broke (\(reason))"
        case .protocolError(let address, let error):
            return "\(address): \(error); is this port really a Redis server?"
        case .authFailed(let address, let error):
            return "\(address): authentication failed: \(error.message); check -a/--user or REDISCLI_AUTH"
        case .server(let address, let error):
            if error.code == "NOAUTH" {
                return "\(address): \(error.message) Pass the password with -a, --askpass or REDISCLI_AUTH"
            }
            return "\(address): \(error.message)"
        case .unexpectedReply(let address, let command, let reply):
            return "\(address): unexpected reply to \(command): \(reply)"
        }
    }
}
