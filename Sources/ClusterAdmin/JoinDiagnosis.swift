import ClusterModel
import RedisClient

/// Explains why nodes did not join: who cannot see whom over the cluster bus,
/// which bus ports rcluster itself cannot reach, and nodes that announce an
/// address other than the one they were given (NAT, Docker, bind-source-addr).
public enum JoinDiagnosis {
    public static func explain(expected: [ProbedNode], views: ClusterAgreement.Views) async -> [String] {
        var lines: [String] = []
        let unanswered = expected.filter { views[$0.address] == nil }
        for node in unanswered {
            lines.append("- \(node.address) stopped answering rcluster; is it still running?")
        }
        for target in expected {
            var blind: [String] = []
            var wrongAddress: [String] = []
            for observer in expected where observer.id != target.id {
                guard let view = views[observer.address] else { continue }
                guard let entry = view.first(where: { $0.id == target.id }) else {
                    blind.append("\(observer.address) (not known)")
                    continue
                }
                if entry.has(.handshake) {
                    blind.append("\(observer.address) (handshake)")
                } else if entry.isFailing {
                    blind.append("\(observer.address) (\(entry.has(.failing) ? "fail" : "fail?"))")
                } else if entry.linkState == .disconnected {
                    blind.append("\(observer.address) (link down)")
                }
                if !entry.ip.isEmpty, entry.ip != target.ip || entry.port != target.address.port {
                    wrongAddress.append("\(observer.address) knows it as \(entry.ip):\(entry.port)")
                }
            }
            let bus = NodeAddress(host: target.ip, port: target.busPort)
            if !blind.isEmpty {
                let reachable = await TCPProbe.failure(connectingTo: bus)
                let fromHere = reachable.map { "rcluster cannot connect to it either (\($0))" } ?? "rcluster itself can connect to it"
                lines.append("- The cluster bus port \(target.busPort) of \(target.ip) (node \(target.address)) may be unreachable from: \(blind.joined(separator: ", ")); \(fromHere). Check firewalls, cluster-port / cluster-announce-bus-port, and that bus port = client port + 10000 unless configured otherwise.")
            }
            if !wrongAddress.isEmpty {
                lines.append("- Node \(target.address) announces another address: \(wrongAddress.joined(separator: "; ")). Set cluster-announce-ip \(target.ip) on it (or bind-source-addr when several addresses share a machine).")
            }
        }
        if lines.isEmpty { lines.append("- Every node sees every other; gossip was still settling. Try a longer --join-timeout.") }
        return lines
    }
}
