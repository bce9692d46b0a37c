import ClusterModel

/// Why nodes.conf cannot be loaded: the line and what is wrong with it.
/// redis-server says only "corrupted cluster config file"; the node prints
/// that line too, then this.
public struct ClusterConfigError: Error, Equatable, CustomStringConvertible {
    public let line: Int
    public let reason: String
    public var description: String { "line \(line): \(reason)" }
}

extension ClusterState {
    /// clusterLoadConfig: the nodes, their slots and open slots, the epochs.
    static func load(_ text: String, now: Int64) throws(ClusterConfigError) -> ClusterState {
        var loaded: [(line: Int, fields: [Substring])] = []
        var currentEpoch: UInt64 = 0, lastVoteEpoch: UInt64 = 0
        var myselfID: String?
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let fields = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard let first = fields.first else { continue }
            if first.lowercased() == "vars" {
                guard fields.count % 2 == 1 else { throw ClusterConfigError(line: number, reason: "'vars' needs name value pairs") }
                for pair in stride(from: 1, to: fields.count, by: 2) {
                    let value = UInt64(fields[pair + 1].prefix { $0.isNumber }) ?? 0
                    switch fields[pair].lowercased() {
                    case "currentepoch": currentEpoch = value
                    case "lastvoteepoch": lastVoteEpoch = value
                    default: break  // redis-server skips unknown variables with a warning
                    }
                }
                continue
            }
            guard fields.count >= 8 else {
                throw ClusterConfigError(line: number, reason: "a node line has at least 8 fields, this one \(fields.count)")
            }
            guard ClusterNodeEntry.isValidNodeID(fields[0]) else {
                throw ClusterConfigError(line: number, reason: "'\(fields[0])' is not a 40-character node ID")
            }
            let flags = fields[2].split(separator: ",")
            if flags.contains(where: { $0.lowercased() == "myself" }) {
                guard myselfID == nil else { throw ClusterConfigError(line: number, reason: "a second node flagged myself") }
                myselfID = String(fields[0])
            }
            loaded.append((number, fields))
        }
        guard let myselfID else { throw ClusterConfigError(line: 0, reason: "no node is flagged myself") }

        let state = ClusterState(myselfID: myselfID, now: now)
        func node(_ id: Substring) -> ClusterNode {
            if let known = state.node(String(id)) { return known }
            let created = ClusterNode(id: String(id), flags: [], createdAt: now)
            state.add(created)
            return created
        }
        for (number, fields) in loaded {
            let current = node(fields[0])
            var address = fields[1]
            if let comma = address.firstIndex(of: ",") {
                current.hostname = String(address[address.index(after: comma)...])
                address = address[..<comma]
            }
            guard let colon = address.lastIndex(of: ":") else {
                throw ClusterConfigError(line: number, reason: "address '\(fields[1])' is not ip:port@cport")
            }
            current.ip = String(address[..<colon])
            let ports = address[address.index(after: colon)...].split(separator: "@", omittingEmptySubsequences: false)
            current.port = Int(ports[0]) ?? 0
            current.busPort = ports.count > 1 ? Int(ports[1]) ?? 0 : current.port + 10000
            var flags: ClusterNodeFlags = current.isMyself ? [.myself] : []
            for token in fields[2].split(separator: ",") {
                guard let flag = ClusterNodeFlags(token: token) else {
                    throw ClusterConfigError(line: number, reason: "unknown flag '\(token)'")
                }
                flags.formUnion(flag)
            }
            current.flags = flags
            if flags.contains(.failing) { current.failTime = now }
            if fields[3] != "-" {
                guard ClusterNodeEntry.isValidNodeID(fields[3]) else {
                    throw ClusterConfigError(line: number, reason: "'\(fields[3])' is not a master ID or '-'")
                }
                let master = node(fields[3])
                current.master = master
                master.addReplica(current)
            }
            if (Int64(fields[4]) ?? 0) != 0 { current.pingSent = now }
            if (Int64(fields[5]) ?? 0) != 0 { current.pongReceived = now }
            current.configEpoch = current.isReplica && current.master != nil ? 0 : UInt64(fields[6]) ?? 0
            for token in fields.dropFirst(8) {
                if token.hasPrefix("[") {
                    guard let slotToken = SlotToken(parsing: token) else {
                        throw ClusterConfigError(line: number, reason: "'\(token)' is not [slot->-id] or [slot-<-id]")
                    }
                    switch slotToken {
                    case .migrating(let slot, let target):
                        guard ClusterNodeEntry.isValidNodeID(Substring(target)) else {
                            throw ClusterConfigError(line: number, reason: "'\(token)' names no valid node ID")
                        }
                        state.migratingTo[slot] = node(Substring(target))
                    case .importing(let slot, let source):
                        guard ClusterNodeEntry.isValidNodeID(Substring(source)) else {
                            throw ClusterConfigError(line: number, reason: "'\(token)' names no valid node ID")
                        }
                        state.importingFrom[slot] = node(Substring(source))
                    case .owned: break
                    }
                    continue
                }
                guard let range = SlotRange(parsing: token) else {
                    throw ClusterConfigError(line: number, reason: "'\(token)' is not a slot or a range of slots (0-16383)")
                }
                for slot in range.slots { state.addSlot(slot, to: current) }
            }
        }
        state.currentEpoch = max(currentEpoch, state.maxEpoch)
        state.lastVoteEpoch = lastVoteEpoch
        return state
    }
}
