import Testing
@testable import NodeEngine

/// The bus logic without sockets (SimulatedCluster): handshakes, gossip,
/// slot and epoch propagation, failure detection, a malformed message.
@Suite struct ClusterBusTests {
    /// CLUSTER NODES' lines (the bulk string's header taken off).
    private func nodesLines(_ cluster: SimulatedCluster, _ node: Int) -> [String] {
        let text = cluster.run(node, "CLUSTER", "NODES")
        guard let body = text.firstRange(of: "\r\n").map({ text[$0.upperBound...] }) else { return [] }
        return body.split(separator: "\n").map(String.init).filter { $0.count > 40 }
    }

    private func myID(_ cluster: SimulatedCluster, _ node: Int) -> String {
        String(cluster.run(node, "CLUSTER", "MYID").split(separator: "\r\n")[1])
    }

    @Test func meetingOneNodeIntroducesEveryOtherThroughGossip() throws {
        let cluster = try SimulatedCluster(nodes: 3)
        #expect(cluster.run(0, "CLUSTER", "MEET", "127.0.0.1", "\(cluster.port(1))") == "+OK\r\n")
        #expect(cluster.run(1, "CLUSTER", "MEET", "127.0.0.1", "\(cluster.port(2))") == "+OK\r\n")
        // Each message carries one gossip entry in a cluster of three, picked
        // at random: the third node is learned within seconds, not at once.
        func settled(_ node: Int) -> Bool {
            let lines = nodesLines(cluster, node)
            return lines.count == 3 && lines.allSatisfy { $0.contains(" connected") && !$0.contains("handshake") }
        }
        for _ in 0..<30 where !(0..<3).allSatisfy(settled) {
            cluster.advance(milliseconds: 1000)
        }
        let ids = (0..<3).map { myID(cluster, $0) }
        for node in 0..<3 {
            let lines = nodesLines(cluster, node)
            #expect(lines.count == 3, "node \(node) knows \(lines)")
            for id in ids { #expect(lines.contains { $0.hasPrefix(id) && $0.contains(" connected") && !$0.contains("handshake") }) }
            #expect(lines.contains { $0.contains("myself") && $0.contains("127.0.0.1:\(cluster.port(node))@\(cluster.port(node) + 10000)") })
        }
    }

    @Test func slotsAndEpochsPropagateAndTheClusterTurnsOk() throws {
        let cluster = try SimulatedCluster(nodes: 3)
        cluster.run(0, "CLUSTER", "MEET", "127.0.0.1", "\(cluster.port(1))")
        cluster.run(0, "CLUSTER", "MEET", "127.0.0.1", "\(cluster.port(2))")
        cluster.advance(milliseconds: 2000)
        #expect(cluster.run(0, "CLUSTER", "ADDSLOTSRANGE", "0", "5460") == "+OK\r\n")
        #expect(cluster.run(1, "CLUSTER", "ADDSLOTSRANGE", "5461", "10922") == "+OK\r\n")
        #expect(cluster.run(2, "CLUSTER", "ADDSLOTSRANGE", "10923", "16383") == "+OK\r\n")
        cluster.advance(milliseconds: 7000)
        var epochs: Set<String> = []
        for node in 0..<3 {
            let info = cluster.run(node, "CLUSTER", "INFO")
            #expect(info.contains("cluster_state:ok"), "node \(node): \(info)")
            #expect(info.contains("cluster_slots_assigned:16384"))
            #expect(info.contains("cluster_size:3"))
            epochs.insert(info.split(separator: "\r\n").first { $0.hasPrefix("cluster_my_epoch:") }.map(String.init) ?? "")
            // The key's owner answers; the others redirect to it.
            let reply = cluster.run(node, "SET", "foo", "bar")
            #expect(node == 2 ? reply == "+OK\r\n" : reply == "-MOVED 12182 127.0.0.1:\(cluster.port(2))\r\n")
        }
        #expect(epochs.count == 3, "config epochs collide: \(epochs)")
        let current = (0..<3).map { cluster.run($0, "CLUSTER", "INFO").split(separator: "\r\n").first { $0.hasPrefix("cluster_current_epoch:") } }
        #expect(Set(current).count == 1)
    }

    @Test func aSilentMasterIsSuspectedThenFailedByTheMajority() throws {
        let cluster = try SimulatedCluster(nodes: 3)
        cluster.run(0, "CLUSTER", "MEET", "127.0.0.1", "\(cluster.port(1))")
        cluster.run(0, "CLUSTER", "MEET", "127.0.0.1", "\(cluster.port(2))")
        cluster.advance(milliseconds: 2000)
        cluster.run(0, "CLUSTER", "ADDSLOTSRANGE", "0", "5460")
        cluster.run(1, "CLUSTER", "ADDSLOTSRANGE", "5461", "10922")
        cluster.run(2, "CLUSTER", "ADDSLOTSRANGE", "10923", "16383")
        cluster.advance(milliseconds: 7000)
        let silent = myID(cluster, 2)
        cluster.isolate(2)
        cluster.advance(milliseconds: 4000)
        #expect(!nodesLines(cluster, 0).contains { $0.hasPrefix(silent) && $0.contains("fail") })
        cluster.advance(milliseconds: 4000)
        for node in 0..<2 {
            let line = nodesLines(cluster, node).first { $0.hasPrefix(silent) } ?? ""
            #expect(line.contains("master,fail ") || line.contains("master,fail?"), "node \(node): \(line)")
        }
        cluster.advance(milliseconds: 3000)
        for node in 0..<2 {
            let line = nodesLines(cluster, node).first { $0.hasPrefix(silent) } ?? ""
            #expect(line.contains("master,fail "), "node \(node): \(line)")
            #expect(cluster.run(node, "CLUSTER", "INFO").contains("cluster_state:fail"))
        }
        #expect(cluster.run(0, "CLUSTER", "COUNT-FAILURE-REPORTS", silent) == ":1\r\n")
        // Back, and once FAIL is old enough (2 x node timeout) it is lifted.
        cluster.heal(2)
        cluster.advance(milliseconds: 12000)
        for node in 0..<3 {
            #expect(!(nodesLines(cluster, node).first { $0.hasPrefix(silent) } ?? "").contains("fail"))
            #expect(cluster.run(node, "CLUSTER", "INFO").contains("cluster_state:ok"), "node \(node)")
        }
    }

    @Test func publishReachesSubscribersOnEveryNode() throws {
        let cluster = try SimulatedCluster(nodes: 2)
        cluster.run(0, "CLUSTER", "MEET", "127.0.0.1", "\(cluster.port(1))")
        cluster.advance(milliseconds: 1500)
        #expect(cluster.run(1, "SUBSCRIBE", "news").contains("subscribe"))
        #expect(cluster.run(0, "PUBLISH", "news", "hello") == ":0\r\n")
        #expect(cluster.replies(1) == "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n")
    }

    @Test func aMalformedMessageClosesThatLinkAndNothingElse() throws {
        let cluster = try SimulatedCluster(nodes: 2)
        cluster.run(0, "CLUSTER", "MEET", "127.0.0.1", "\(cluster.port(1))")
        cluster.advance(milliseconds: 1500)
        let before = cluster.links(of: 1)
        #expect(before.count == 2)
        cluster.inject(Array("GET / HTTP/1.1\r\n\r\n".utf8), node: 1, link: before[0])
        cluster.inject([UInt8](repeating: 0xFF, count: 3000), node: 1, link: before[1])
        #expect(cluster.run(1, "PING") == "+PONG\r\n")
        cluster.advance(milliseconds: 1500)
        // The links come back and the two nodes still know each other.
        for node in 0..<2 {
            let lines = nodesLines(cluster, node)
            #expect(lines.filter { $0.contains(" connected") }.count == 2, "\(lines)")
        }
    }

    @Test func forgetKeepsANodeOutForAMinute() throws {
        let cluster = try SimulatedCluster(nodes: 3)
        cluster.run(0, "CLUSTER", "MEET", "127.0.0.1", "\(cluster.port(1))")
        cluster.run(0, "CLUSTER", "MEET", "127.0.0.1", "\(cluster.port(2))")
        cluster.advance(milliseconds: 2000)
        let forgotten = myID(cluster, 2)
        #expect(cluster.run(0, "CLUSTER", "FORGET", forgotten) == "+OK\r\n")
        #expect(cluster.run(1, "CLUSTER", "FORGET", forgotten) == "+OK\r\n")
        cluster.advance(milliseconds: 5000)
        #expect(!nodesLines(cluster, 0).contains { $0.hasPrefix(forgotten) })
        #expect(!nodesLines(cluster, 1).contains { $0.hasPrefix(forgotten) })
    }

    @Test func aClientBlockedOnASlotThatMovesAwayIsRedirected() throws {
        let cluster = try SimulatedCluster(nodes: 2)
        cluster.run(0, "CLUSTER", "MEET", "127.0.0.1", "\(cluster.port(1))")
        cluster.advance(milliseconds: 1500)
        cluster.run(0, "CLUSTER", "ADDSLOTSRANGE", "0", "8191")
        cluster.run(1, "CLUSTER", "ADDSLOTSRANGE", "8192", "16383")
        cluster.advance(milliseconds: 7000)
        // "b" hashes to slot 3300, node 0's.
        #expect(cluster.run(0, "CLUSTER", "KEYSLOT", "b") == ":3300\r\n")
        #expect(cluster.run(0, "BLPOP", "b", "0") == "")
        let target = myID(cluster, 1)
        #expect(cluster.run(1, "CLUSTER", "SETSLOT", "3300", "NODE", target) == "+OK\r\n")
        #expect(cluster.run(0, ["CLUSTER", "SETSLOT", "3300", "NODE", target], otherClient: true) == "+OK\r\n")
        cluster.advance(milliseconds: 200)
        #expect(cluster.replies(0) == "-MOVED 3300 127.0.0.1:\(cluster.port(1))\r\n")
    }

    @Test func aLinkWhosePeerStopsReadingIsFreedPastTheSendBufferLimit() throws {
        let cluster = try SimulatedCluster(nodes: 2, directives: ["--cluster-link-sendbuf-limit", "10000"])
        cluster.run(0, "CLUSTER", "MEET", "127.0.0.1", "\(cluster.port(1))")
        cluster.advance(milliseconds: 1500)
        cluster.stalled.insert(1)
        for _ in 0..<6 { cluster.run(0, "PUBLISH", "news", String(repeating: "x", count: 3000)) }
        let links = cluster.run(0, "CLUSTER", "LINKS")
        #expect(links.contains("$2\r\nrw\r\n") || links.contains("+rw\r\n") || links.contains("rw"), "\(links)")
        cluster.advance(milliseconds: 100)
        #expect(cluster.run(0, "CLUSTER", "INFO").contains("total_cluster_links_buffer_limit_exceeded:1"))
        cluster.stalled.remove(1)
        cluster.advance(milliseconds: 500)
        #expect(cluster.run(0, "CLUSTER", "INFO").contains("cluster_known_nodes:2"))
    }
}
