import ClusterBus
@testable import NodeEngine
import Testing

/// Elections on the in-memory bus, with the clock the test moves: the
/// replicas here have no replication link (the bus alone is simulated), so
/// cluster-replica-validity-factor is 0 and every offset is equal: ranks tie.
@Suite struct FailoverSimulationTests {
    /// Masters 0..<masters with a third of the slots each, then `replicasOfFirst` replicas of master 0.
    static func cluster(masters: Int = 3, replicasOfFirst: Int, replicasOfOthers: Bool = false) throws -> SimulatedCluster {
        let count = masters + replicasOfFirst + (replicasOfOthers ? masters - 1 : 0)
        let cluster = try SimulatedCluster(nodes: count, directives: ["--cluster-replica-validity-factor", "0"])
        for node in 1..<count { cluster.run(0, "CLUSTER", "MEET", "127.0.0.1", "\(cluster.port(node))") }
        cluster.advance(milliseconds: 2000)
        let share = 16384 / masters
        for master in 0..<masters {
            let last = master == masters - 1 ? 16383 : (master + 1) * share - 1
            cluster.run(master, "CLUSTER", "ADDSLOTSRANGE", "\(master * share)", "\(last)")
        }
        cluster.advance(milliseconds: 2000)
        for replica in masters..<(masters + replicasOfFirst) { cluster.run(replica, "CLUSTER", "REPLICATE", id(cluster, 0)) }
        if replicasOfOthers {
            for (index, master) in (1..<masters).enumerated() {
                cluster.run(masters + replicasOfFirst + index, "CLUSTER", "REPLICATE", id(cluster, master))
            }
        }
        cluster.advance(milliseconds: 7000)
        return cluster
    }

    static func id(_ cluster: SimulatedCluster, _ node: Int) -> String {
        String(cluster.run(node, "CLUSTER", "MYID").split(separator: "\r\n")[1])
    }

    /// CLUSTER NODES of `node`, a line a node (the bulk string's header cut).
    static func lines(_ cluster: SimulatedCluster, _ node: Int) -> [String] {
        let text = cluster.run(node, "CLUSTER", "NODES")
        guard let body = text.firstRange(of: "\r\n").map({ text[$0.upperBound...] }) else { return [] }
        return body.split(separator: "\n").map(String.init).filter { $0.count > 40 }
    }

    /// This node's own line of CLUSTER NODES.
    static func own(_ cluster: SimulatedCluster, _ node: Int) -> String {
        lines(cluster, node).first { $0.contains("myself") } ?? ""
    }

    static func line(_ cluster: SimulatedCluster, on node: Int, of id: String) -> String {
        lines(cluster, node).first { $0.hasPrefix(id) } ?? ""
    }

    @Test func theReplicaOfAFailedMasterIsElectedAndTheOthersFollow() throws {
        let cluster = try Self.cluster(replicasOfFirst: 1)
        let oldID = Self.id(cluster, 0), newID = Self.id(cluster, 3)
        let slots = Self.own(cluster, 0).split(separator: " ").dropFirst(8).joined(separator: " ")
        cluster.isolate(0)
        cluster.advance(milliseconds: 20000)
        #expect(Self.own(cluster, 3).contains("myself,master"), "\(Self.own(cluster, 3))")
        for node in [1, 2, 3] {
            let view = Self.line(cluster, on: node, of: newID)
            #expect(view.hasSuffix(slots), "node \(node) sees \(view)")
            #expect(Self.line(cluster, on: node, of: oldID).contains("master,fail"))
            #expect(cluster.run(node, "CLUSTER", "INFO").contains("cluster_state:ok"), "node \(node)")
        }
        // The winner's epoch is the newest, and each other master voted in it.
        let epoch = UInt64(Self.line(cluster, on: 1, of: newID).split(separator: " ")[6]) ?? 0
        #expect(epoch > 3)
        for master in [1, 2] { #expect(cluster.engines[master].cluster?.lastVoteEpoch == epoch) }
        // The old master, back, follows the winner.
        cluster.heal(0)
        cluster.advance(milliseconds: 10000)
        #expect(Self.own(cluster, 0).contains("myself,slave \(newID)"), "\(Self.own(cluster, 0))")
    }

    /// Two replicas with the same offset (a rank tie): each waits its
    /// random 500-1000 ms, one is elected, the other becomes its replica.
    @Test func twoReplicasOfEqualRankRaceAndOneWins() throws {
        let cluster = try Self.cluster(replicasOfFirst: 2)
        cluster.isolate(0)
        cluster.advance(milliseconds: 30000)
        let roles = [3, 4].map { Self.own(cluster, $0) }
        let winners = roles.filter { $0.contains("myself,master") }
        #expect(winners.count == 1, "\(roles)")
        guard winners.count == 1 else { return }
        let winner = roles[0].contains("myself,master") ? 3 : 4, loser = 7 - winner
        #expect(Self.own(cluster, loser).contains("myself,slave \(Self.id(cluster, winner))"), "\(Self.own(cluster, loser))")
        for node in [1, 2, 3, 4] { #expect(cluster.run(node, "CLUSTER", "INFO").contains("cluster_state:ok"), "node \(node)") }
    }

    /// A master cut off with the minority turns its state to fail (it serves
    /// nothing), its replica on the majority side is elected, and once it
    /// can talk again it becomes that replica's replica.
    @Test func aPartitionedMinorityMasterStopsServingAndRejoinsAsAReplica() throws {
        let cluster = try Self.cluster(replicasOfFirst: 1, replicasOfOthers: true)
        let newID = Self.id(cluster, 3)
        cluster.isolate(0)
        cluster.advance(milliseconds: 20000)
        #expect(cluster.run(0, "CLUSTER", "INFO").contains("cluster_state:fail"))
        #expect(cluster.run(0, "GET", "x").hasPrefix("-CLUSTERDOWN"))
        #expect(Self.own(cluster, 3).contains("myself,master"))
        cluster.heal(0)
        cluster.advance(milliseconds: 15000)
        #expect(Self.own(cluster, 0).contains("myself,slave \(newID)"), "\(Self.own(cluster, 0))")
        #expect(cluster.run(0, "CLUSTER", "INFO").contains("cluster_state:ok"))
    }

    /// A master votes once per epoch, never for a request from an older
    /// epoch, never while the replica's master is up, and not twice for the
    /// same master within 2 x node-timeout.
    @Test func votesAreRefusedForStaleEpochsLiveMastersAndTwiceInAnEpoch() throws {
        let cluster = try Self.cluster(replicasOfFirst: 2)
        var lines: [String] = []
        cluster.engines[1].logger = { _, line in lines.append(line) }
        let voter = cluster.engines[1]
        let replica = try #require(voter.cluster?.node(Self.id(cluster, 3)))
        let other = try #require(voter.cluster?.node(Self.id(cluster, 4)))
        var request = cluster.engines[3].messageHeader(.failoverAuthRequest)

        voter.voteForFailoverIfNeeded(replica, request)
        #expect(lines.last?.hasSuffix(": its master is up") == true, "\(lines)")

        // Its master failed now; a request from an epoch the voter is past is refused.
        try #require(voter.cluster?.node(Self.id(cluster, 0))).flags.insert(.failing)
        voter.cluster!.currentEpoch += 1
        request.currentEpoch = voter.cluster!.currentEpoch - 1
        voter.voteForFailoverIfNeeded(replica, request)
        #expect(lines.last?.contains("reqEpoch (\(request.currentEpoch)) < curEpoch(\(voter.cluster!.currentEpoch))") == true, "\(lines)")

        request.currentEpoch = voter.cluster!.currentEpoch
        voter.voteForFailoverIfNeeded(replica, request)
        #expect(lines.last == "Failover auth granted to \(replica.id) for epoch \(voter.cluster!.currentEpoch)")
        voter.voteForFailoverIfNeeded(other, request)
        #expect(lines.last == "Failover auth denied to \(other.id): already voted for epoch \(voter.cluster!.currentEpoch)")

        // A new epoch, the same master: too soon.
        voter.cluster!.currentEpoch += 1
        request.currentEpoch = voter.cluster!.currentEpoch
        voter.voteForFailoverIfNeeded(other, request)
        #expect(lines.last?.contains("can't vote about this master before") == true, "\(lines)")
    }

    /// Replica migration: master 1's only replica fails; of master 0's two
    /// replicas the one with the smaller ID moves to master 1 (the barrier,
    /// 1 by default, keeps the other where it is); with
    /// cluster-allow-replica-migration no, none moves.
    @Test(arguments: [true, false])
    func anOrphanedMasterGetsAReplicaFromTheMasterWithMost(allowed: Bool) throws {
        let cluster = try Self.cluster(replicasOfFirst: 2, replicasOfOthers: true)
        if !allowed { for node in 0..<7 { cluster.run(node, "CONFIG", "SET", "cluster-allow-replica-migration", "no") } }
        let orphanID = Self.id(cluster, 1)
        // Nodes 3 and 4 replicate master 0, node 5 master 1, node 6 master 2.
        #expect(Self.own(cluster, 5).contains("myself,slave \(orphanID)"), "\(Self.own(cluster, 5))")
        let mover = Self.id(cluster, 3) < Self.id(cluster, 4) ? 3 : 4
        cluster.isolate(5)
        cluster.advance(milliseconds: 30000)
        let moved = Self.own(cluster, mover).contains("myself,slave \(orphanID)")
        #expect(moved == allowed, "\(Self.own(cluster, mover))")
        #expect(Self.own(cluster, 7 - mover).contains("myself,slave \(Self.id(cluster, 0))"), "\(Self.own(cluster, 7 - mover))")
    }

    /// cluster-replica-no-failover: the replica shows nofailover and never
    /// starts an election of its own, so its failed master stays failed.
    @Test func aReplicaWithNoFailoverStaysAReplica() throws {
        let cluster = try Self.cluster(replicasOfFirst: 1)
        cluster.run(3, "CONFIG", "SET", "cluster-replica-no-failover", "yes")
        #expect(Self.own(cluster, 3).contains("myself,slave,nofailover"), "\(Self.own(cluster, 3))")
        cluster.isolate(0)
        cluster.advance(milliseconds: 20000)
        #expect(Self.own(cluster, 3).contains("myself,slave,nofailover"), "\(Self.own(cluster, 3))")
        #expect(Self.line(cluster, on: 1, of: Self.id(cluster, 3)).contains("slave,nofailover"))
        #expect(cluster.run(1, "CLUSTER", "INFO").contains("cluster_state:fail"))
    }
}
