extension ClusterNodeEntry: CustomStringConvertible {
    /// The line exactly as redis-server 7.0 prints it (no trailing newline).
    public var description: String {
        var address = "\(ip):\(port)@\(busPort)"
        if let hostname { address += ",\(hostname)" }
        var fields = [
            id, address, flags.map(\.rawValue).joined(separator: ","), masterID ?? "-",
            String(pingSent), String(pongReceived), String(configEpoch), linkState.rawValue,
        ]
        fields += slotTokens.map(\.description)
        return fields.joined(separator: " ")
    }

    /// Parses one CLUSTER NODES line. `lineNumber` only serves error messages.
    public init(parsing line: Substring, lineNumber: Int = 1) throws(ClusterNodesParseError) {
        func fail(_ reason: String) -> ClusterNodesParseError {
            ClusterNodesParseError(lineNumber: lineNumber, line: String(line), reason: reason)
        }
        let fields = line.split(separator: " ")
        guard fields.count >= 8 else { throw fail("expected at least 8 fields, found \(fields.count)") }
        guard ClusterNodeEntry.isValidNodeID(fields[0]) else { throw fail("'\(fields[0])' is not a 40-character node ID") }

        let addressField = fields[1]
        let hostSplit = addressField.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
        let endpoint = hostSplit[0]
        guard let at = endpoint.lastIndex(of: "@"), let colon = endpoint[..<at].lastIndex(of: ":"),
              let port = Int(endpoint[endpoint.index(after: colon)..<at]),
              let busPort = Int(endpoint[endpoint.index(after: at)...])
        else { throw fail("'\(addressField)' is not ip:port@cport") }

        let master = fields[3]
        guard master == "-" || ClusterNodeEntry.isValidNodeID(master) else { throw fail("'\(master)' is not a master ID or '-'") }
        guard let pingSent = Int64(fields[4]), let pongReceived = Int64(fields[5]), let epoch = UInt64(fields[6]) else {
            throw fail("ping-sent, pong-recv and config-epoch must be integers")
        }
        guard let link = LinkState(rawValue: String(fields[7])) else {
            throw fail("link state '\(fields[7])' is neither connected nor disconnected")
        }
        var tokens: [SlotToken] = []
        for field in fields.dropFirst(8) {
            guard let token = SlotToken(parsing: field) else { throw fail("'\(field)' is not a slot, a range or a migration marker") }
            tokens.append(token)
        }
        self.init(
            id: String(fields[0]), ip: String(endpoint[..<colon]), port: port, busPort: busPort,
            hostname: hostSplit.count > 1 ? String(hostSplit[1]) : nil,
            flags: fields[2].split(separator: ",").map { NodeFlag(String($0)) },
            masterID: master == "-" ? nil : String(master),
            pingSent: pingSent, pongReceived: pongReceived, configEpoch: epoch, linkState: link, slotTokens: tokens)
    }

    public static func isValidNodeID(_ text: Substring) -> Bool {
        text.utf8.count == 40 && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) }
    }
}

/// The whole CLUSTER NODES reply.
public enum ClusterNodesText {
    public static func parse(_ text: String) throws(ClusterNodesParseError) -> [ClusterNodeEntry] {
        var entries: [ClusterNodeEntry] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.hasSuffix("\r") ? line.dropLast() : line
            if trimmed.isEmpty { continue }
            entries.append(try ClusterNodeEntry(parsing: trimmed, lineNumber: index + 1))
        }
        return entries
    }

    public static func render(_ entries: [ClusterNodeEntry]) -> String {
        entries.map { $0.description + "\n" }.joined()
    }
}

public struct ClusterNodesParseError: Error, Equatable, CustomStringConvertible {
    public let lineNumber: Int
    public let line: String
    public let reason: String

    public var description: String { "CLUSTER NODES line \(lineNumber): \(reason): \(line)" }
}
