/// Where a node listens for clients: a host (IPv4, IPv6 or a hostname) and a port.
public struct NodeAddress: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    public let host: String
    public let port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Accepts `host:port`, `[ipv6]:port` and, like redis-cli, a bare `ipv6:port`
    /// (the last colon separates the port).
    public init(parsing text: String) throws(NodeAddressError) {
        let trimmed = text.trimmingSpaces()
        let hostPart: Substring
        let portPart: Substring
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]") else { throw .init(text, .unclosedBracket) }
            hostPart = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
            let rest = trimmed[trimmed.index(after: close)...]
            guard rest.hasPrefix(":") else { throw .init(text, .missingPort) }
            portPart = rest.dropFirst()
        } else {
            guard let colon = trimmed.lastIndex(of: ":") else {
                throw .init(text, Int(trimmed) != nil ? .missingHost : .missingPort)
            }
            hostPart = trimmed[..<colon]
            portPart = trimmed[trimmed.index(after: colon)...]
        }
        guard !hostPart.isEmpty else { throw .init(text, .missingHost) }
        guard let port = Int(portPart), (1...65535).contains(port) else {
            throw .init(text, .invalidPort(String(portPart)))
        }
        self.init(host: String(hostPart), port: port)
    }

    public var isIPv6: Bool { host.contains(":") }

    /// `host:port`, with brackets around an IPv6 host so the text parses back.
    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public static func < (lhs: NodeAddress, rhs: NodeAddress) -> Bool {
        (lhs.host, lhs.port) < (rhs.host, rhs.port)
    }
}

public struct NodeAddressError: Error, Equatable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        case missingPort, missingHost, unclosedBracket, invalidPort(String)
    }

    public let text: String
    public let reason: Reason

    init(_ text: String, _ reason: Reason) {
        self.text = text
        self.reason = reason
    }

    public var description: String {
        let why: String
        switch reason {
        case .missingPort: why = "no port; write host:port, e.g. 127.0.0.1:7000 or [::1]:7000"
        case .missingHost: why = "no host; write host:port, e.g. 127.0.0.1:\(text.trimmingSpaces().filter(\.isNumber))"
        case .unclosedBracket: why = "an IPv6 address opened with '[' needs a closing ']', e.g. [::1]:7000"
        case .invalidPort(let port): why = "'\(port)' is not a port between 1 and 65535"
        }
        return "invalid node address '\(text)': \(why)"
    }
}

extension String {
    func trimmingSpaces() -> Substring {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return self[first...last]
    }
}
