import ClusterBus
import ClusterModel

/// The text forms of the cluster state: CLUSTER NODES lines, nodes.conf,
/// CLUSTER INFO.
extension ClusterState {
    /// clusterGenNodeDescription.
    func describe(_ node: ClusterNode) -> String {
        var line = node.id + " " + node.ip + ":" + String(node.port) + "@" + String(node.busPort)
        if !node.hostname.isEmpty { line += "," + node.hostname }
        line += " " + node.flags.text + " " + (node.master?.id ?? "-")
        line += " \(node.pingSent) \(node.pongReceived) \(node.effectiveConfigEpoch) "
        line += node.outboundLink != nil || node.isMyself ? "connected" : "disconnected"
        for (start, end) in slotRanges(of: node) {
            line += start == end ? " \(start)" : " \(start)-\(end)"
        }
        if node.isMyself {
            for slot in 0..<HashSlot.count {
                if let target = migratingTo[slot] {
                    line += " [\(slot)->-\(target.id)]"
                } else if let source = importingFrom[slot] {
                    line += " [\(slot)-<-\(source.id)]"
                }
            }
        }
        return line
    }

    /// CLUSTER NODES: every node, handshakes included.
    var nodesText: String { knownNodes.map { describe($0) + "\n" }.joined() }

    /// nodes.conf: the nodes but handshakes, then the epochs.
    var configText: String {
        knownNodes.filter { !$0.inHandshake }.map { describe($0) + "\n" }.joined()
            + "vars currentEpoch \(currentEpoch) lastVoteEpoch \(lastVoteEpoch)\n"
    }

    var infoText: String {
        var assigned = 0, ok = 0, pfail = 0, fail = 0
        for owner in slotOwner {
            guard let owner else { continue }
            assigned += 1
            if owner.hasFailed { fail += 1 } else if owner.timedOut { pfail += 1 } else { ok += 1 }
        }
        var text = "cluster_state:\(isOK ? "ok" : "fail")\r\n"
            + "cluster_slots_assigned:\(assigned)\r\ncluster_slots_ok:\(ok)\r\n"
            + "cluster_slots_pfail:\(pfail)\r\ncluster_slots_fail:\(fail)\r\n"
            + "cluster_known_nodes:\(knownNodes.count)\r\ncluster_size:\(size)\r\n"
            + "cluster_current_epoch:\(currentEpoch)\r\ncluster_my_epoch:\(myself.effectiveConfigEpoch)\r\n"
        for (counts, direction) in [(messagesSent, "sent"), (messagesReceived, "received")] {
            var total: Int64 = 0
            for (index, count) in counts.enumerated() where count > 0 {
                total += count
                let name = ClusterMessageType(rawValue: UInt16(index))?.statsName ?? "unknown"
                text += "cluster_stats_messages_\(name)_\(direction):\(count)\r\n"
            }
            text += "cluster_stats_messages_\(direction):\(total)\r\n"
        }
        return text + "total_cluster_links_buffer_limit_exceeded:\(linksOverSendLimit)\r\n"
    }
}
