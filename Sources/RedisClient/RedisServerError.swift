import ClusterModel

/// An error reply (`-ERR ...`, `!...`) from a server. The code is the first word,
/// as Redis uses it: ERR, WRONGTYPE, MOVED, ASK, NOAUTH, BUSYKEY, CLUSTERDOWN, ...
public struct RedisServerError: Error, Hashable, Sendable, CustomStringConvertible {
    public let message: String

    public init(message: String) { self.message = message }

    public var code: String { String(message.prefix { $0 != " " }) }
    public var redirection: Redirection? { Redirection(parsing: message) }
    public var description: String { message }
}

/// A MOVED or ASK redirection: the slot and the node that serves it.
public enum Redirection: Hashable, Sendable {
    case moved(slot: Int, to: NodeAddress)
    case ask(slot: Int, to: NodeAddress)

    /// Parses `MOVED 3999 127.0.0.1:6381`, `ASK 3999 [::1]:6381` or `MOVED 3999 ::1:6381`.
    /// An empty host (`MOVED 3999 :6381`, unknown endpoint) is kept empty: the
    /// caller substitutes the host it is talking to, as Redis intends.
    public init?(parsing message: String) {
        let words = message.split(separator: " ")
        guard words.count == 3, let slot = Int(words[1]), HashSlot.all.contains(slot) else { return nil }
        let endpoint = String(words[2])
        let address: NodeAddress
        if endpoint.hasPrefix(":"), let port = Int(endpoint.dropFirst()) {
            address = NodeAddress(host: "", port: port)
        } else if let parsed = try? NodeAddress(parsing: endpoint) {
            address = parsed
        } else {
            return nil
        }
        switch words[0] {
        case "MOVED": self = .moved(slot: slot, to: address)
        case "ASK": self = .ask(slot: slot, to: address)
        default: return nil
        }
    }
}
