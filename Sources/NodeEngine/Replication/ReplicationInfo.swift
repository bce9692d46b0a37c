
/// INFO replication, field for field as 7.0.15 writes it.
extension NodeEngine {
    func replicationInfoLines() -> [String] {
        var lines = ["# Replication", "role:\(replication.master == nil ? "master" : "slave")"]
        if let master = replication.master {
            let connected = master.state == .connected
            lines += ["master_host:\(master.host)", "master_port:\(master.port)",
                      "master_link_status:\(connected ? "up" : "down")",
                      "master_last_io_seconds_ago:\(master.client != nil ? (now - master.lastIO) / 1000 : -1)",
                      "master_sync_in_progress:\(master.state == .transfer ? 1 : 0)",
                      "slave_read_repl_offset:\(replication.offset + Int64(master.pendingStream.readableBytes))",
                      "slave_repl_offset:\(replication.offset)"]
            if master.state == .transfer, let transfer = master.transfer {
                var total: Int64 = -1
                if case .length(let size) = transfer.framing { total = Int64(size) }
                let read = Int64(transfer.payload.count)
                let percent = total > 0 ? Double(read) / Double(total) * 100 : 0
                lines += ["master_sync_total_bytes:\(total)", "master_sync_read_bytes:\(read)", "master_sync_left_bytes:\(total - read)",
                          "master_sync_perc:\(String(format2: percent))",
                          "master_sync_last_io_seconds_ago:\((now - master.lastIO) / 1000)"]
            }
            if !connected { lines.append("master_link_down_since_seconds:\(master.downSince.map { (now - $0) / 1000 } ?? -1)") }
            lines += ["slave_priority:\(config.integer("replica-priority"))", "slave_read_only:\(config.bool("replica-read-only") ? 1 : 0)",
                      "replica_announced:\(config.bool("replica-announced") ? 1 : 0)"]
        }
        lines.append("connected_slaves:\(replication.replicas.count)")
        if config.integer("min-replicas-to-write") > 0 && config.integer("min-replicas-max-lag") > 0 {
            lines.append("min_slaves_good_slaves:\(goodReplicas)")
        }
        for (number, replica) in replication.replicas.enumerated() {
            guard let link = replica.replicaLink else { continue }
            let lag = link.state == .online ? (now - link.ackTime) / 1000 : 0
            let ip = replicaIP(replica, link)
            lines.append("slave\(number):ip=\(ip),port=\(link.listeningPort),state=\(link.state.rawValue),offset=\(link.ackOffset),lag=\(lag)")
        }
        lines += ["master_failover_state:no-failover", "master_replid:\(replication.id)", "master_replid2:\(replication.previousID)",
                  "master_repl_offset:\(replication.offset)", "second_repl_offset:\(replication.previousIDEndOffset)",
                  "repl_backlog_active:\(replication.backlog != nil ? 1 : 0)",
                  "repl_backlog_size:\(config.integer("repl-backlog-size"))",
                  "repl_backlog_first_byte_offset:\(replication.backlog?.firstByteOffset ?? 0)",
                  "repl_backlog_histlen:\(replication.backlog?.historyLength ?? 0)"]
        return lines
    }

    /// The replica's slave_addr: what it announced (replica-announce-ip), else the address it connected from.
    func replicaIP(_ replica: ClientSession, _ link: ReplicaLink) -> String {
        link.announcedIP ?? String(replica.address.split(separator: ":").dropLast().joined(separator: ":"))
    }
}
