@testable import ClusterAdmin
import ClusterModel
import Testing

/// The version-dependent slot assignment of create, and how a failed
/// create's leftovers are read back from CLUSTER NODES.
@Suite struct CreateStepsTests {
    @Test func slotsAreAssignedWithTheCommandsTheServerHas() {
        #expect(ClusterCreator.assignSlots(SlotRange(0, 5460), on: ServerVersion(.redis, 7, 0, 15))
            == [["CLUSTER", "ADDSLOTSRANGE", "0", "5460"]])
        #expect(ClusterCreator.assignSlots(SlotRange(0, 5460), on: ServerVersion(.valkey, 9, 1, 2)).count == 1)
        for version in [ServerVersion(.redis, 6, 2, 14), nil] {
            let commands = ClusterCreator.assignSlots(SlotRange(5461, 10922), on: version)
            #expect(commands.count == 6)  // 5462 slots in chunks of 1024
            #expect(commands.allSatisfy { Array($0.prefix(2)) == ["CLUSTER", "ADDSLOTS"] && $0.count <= 2 + 1024 })
            #expect(commands.flatMap { $0.dropFirst(2) } == (5461...10922).map { "\($0)" })
        }
        #expect(ClusterCreator.assignSlots(SlotRange(7), on: ServerVersion(.redis, 6, 0, 8)) == [["CLUSTER", "ADDSLOTS", "7"]])
    }

    @Test func leftoversAreReadFromTheNodesOwnView() throws {
        let fresh = try ClusterNodesText.parse("5e2fdd03713f3cac5e0fda5e3176f424ff523033 127.0.0.1:27004@37004 myself,master - 0 0 0 connected\n")
        #expect(CreateLeftovers.describe(fresh) == .untouched)
        let master = try ClusterNodesText.parse("""
            cc753bb38c9e3fa2b24fdbdb2cd5d2f2eed48aec 127.0.0.1:27001@37001 myself,master - 0 0 1 connected 0-5460
            c76646a6ede3df4d4d1d2ffb5731dfab4e8a9725 127.0.0.1:27002@37002 master - 0 0 2 connected 5461-10922

            """)
        #expect(CreateLeftovers.describe(master) == .partial("serves slots 0-5460, config epoch 1, knows 1 other node(s)"))
        let replica = try ClusterNodesText.parse("""
            5e2fdd03713f3cac5e0fda5e3176f424ff523033 127.0.0.1:27004@37004 myself,slave cc753bb38c9e3fa2b24fdbdb2cd5d2f2eed48aec 0 0 4 connected
            cc753bb38c9e3fa2b24fdbdb2cd5d2f2eed48aec 127.0.0.1:27001@37001 master - 0 0 1 connected 0-5460

            """)
        #expect(CreateLeftovers.describe(replica) == .partial("replicates cc753bb3..., config epoch 4, knows 1 other node(s)"))
    }

    /// A peer absent from a node's view, or there only as a handshake under
    /// a random ID, is met again; a known one, even failing, is not.
    @Test func onlyPeersANodeDoesNotKnowAreMetAgain() throws {
        let ids = ["a", "b", "c"].map { String(repeating: $0, count: 40) }
        let nodes = ids.enumerated().map { index, id in
            ProbedNode(address: NodeAddress(host: "127.0.0.1", port: 27001 + index), ip: "127.0.0.1", id: id,
                       busPort: 37001 + index, version: nil, problems: [])
        }
        let first = try ClusterNodesText.parse("""
            \(ids[0]) 127.0.0.1:27001@37001 myself,master - 0 0 1 connected
            \(ids[1]) 127.0.0.1:27002@37002 master,fail? - 0 0 2 connected
            \(String(repeating: "f", count: 40)) 127.0.0.1:27003@37003 handshake - 0 0 0 connected

            """)
        let second = try ClusterNodesText.parse("""
            \(ids[1]) 127.0.0.1:27002@37002 myself,master - 0 0 2 connected
            \(ids[0]) 127.0.0.1:27001@37001 master - 0 0 1 connected
            \(ids[2]) 127.0.0.1:27003@37003 master - 0 0 3 connected

            """)
        // The third node did not answer: nothing is asked of it.
        let needed = ClusterCreator.meetsStillNeeded(nodes, views: [nodes[0].address: first, nodes[1].address: second])
        #expect(needed.map(\.0) == [nodes[0].address])
        #expect(needed.first?.1 == [nodes[2]])
    }
}
