import ClusterAdmin
import ClusterModel
import Foundation
import RedisClient

/// One row of `local status`: what a local node says of itself.
struct LocalNodeRow: Encodable {
    let port: Int
    let running: Bool
    let role: String?
    let master: Int?
    let slots: String?
    let keys: Int?
    let opsPerSecond: Int?
    let memory: String?
    let link: String?
    let lagSeconds: Int?

    /// INFO and CLUSTER NODES of the node on `port`; a row of dashes when it does not answer.
    static func read(port: Int, running: Bool, options: RedisConnectionOptions) async -> LocalNodeRow {
        let address = NodeAddress(host: "127.0.0.1", port: port)
        var quick = options
        quick.commandTimeoutMilliseconds = 500
        quick.connectTimeoutMilliseconds = 500
        guard running, let connection = try? await RedisConnection.connect(to: address, options: quick),
              let replies = try? await connection.pipeline([["INFO"], ["CLUSTER", "NODES"]]) else {
            return LocalNodeRow(port: port, running: running, role: nil, master: nil, slots: nil, keys: nil, opsPerSecond: nil,
                                memory: nil, link: nil, lagSeconds: nil)
        }
        await connection.close()
        let info = (try? replies[0].get())?.infoFields ?? [:]
        let entries = (try? ClusterNodesText.parse((try? replies[1].get())?.string ?? "")) ?? []
        let me = entries.first { $0.has(.myself) }
        let master = me?.masterID.flatMap { id in entries.first { $0.id == id }?.port }
        let keys = info.first { $0.key.hasPrefix("db") }.flatMap { Int($0.value.split(separator: ",").first?.split(separator: "=").last ?? "") }
        let isReplica = info["role"] == "slave"
        var lag: Int?
        if isReplica, let io = info["master_last_io_seconds_ago"].flatMap(Int.init), io >= 0 { lag = io }
        return LocalNodeRow(port: port, running: true, role: isReplica ? "replica" : "master", master: master,
                            slots: me.map { $0.slotRanges.isEmpty ? "-" : $0.slotRanges.map(\.description).joined(separator: ",") },
                            keys: keys ?? 0, opsPerSecond: info["instantaneous_ops_per_sec"].flatMap(Int.init),
                            memory: info["used_memory_human"], link: isReplica ? info["master_link_status"] : nil, lagSeconds: lag)
    }

    static let header = ["PORT", "ROLE", "MASTER", "SLOTS", "KEYS", "OPS/S", "MEMORY", "LINK", "LAG"]

    var cells: [String] {
        guard role != nil else { return ["\(port)", running ? "no answer" : "down", "-", "-", "-", "-", "-", "-", "-"] }
        return ["\(port)", role ?? "-", master.map(String.init) ?? "-", slots ?? "-", keys.map(String.init) ?? "-",
                opsPerSecond.map(String.init) ?? "-", memory ?? "-", link ?? "-", lagSeconds.map { "\($0)s" } ?? "-"]
    }

    /// The rows as aligned columns.
    static func table(_ rows: [LocalNodeRow]) -> [String] {
        let all = [header] + rows.map(\.cells)
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ") }
    }
}
