import ClusterAdmin
import ClusterModel
import Testing

@Suite struct ClusterCheckTests {
    @Test func healthyClusterHasNoFindings() throws {
        let report = ClusterCheck.run(try SnapshotFixture.make("healthy-6-nodes.txt"), searchMultipleOwners: true)
        #expect(report.findings.isEmpty)
        #expect(report.isHealthy && report.nodesAgree)
        #expect(report.uncoveredSlots.isEmpty)
        #expect(report.multipleOwners == [])
        #expect(report.snapshot.masters.count == 3)
    }

    @Test func openSlotIsAnErrorNamingTheSlot() throws {
        let report = ClusterCheck.run(try SnapshotFixture.make("migrating-importing.txt"))
        #expect(!report.isHealthy)
        #expect(report.openSlotNumbers == [100])
        #expect(report.findings.contains { $0.kind == .openSlot && $0.slots == [100] })
    }

    @Test func uncoveredSlotIsAnError() throws {
        let report = ClusterCheck.run(try SnapshotFixture.make("uncovered-slot-42.txt"))
        #expect(report.uncoveredSlots.ranges == [SlotRange(42)])
        #expect(report.findings.map(\.kind) == [.uncoveredSlots])
        #expect(report.findings[0].message.contains("42"))
    }

    @Test func unreachableAndFailingNodesAreReported() throws {
        let snapshot = try SnapshotFixture.make("pfail.txt", unreachable: [3])
        let report = ClusterCheck.run(snapshot)
        let unreachable = try #require(report.findings.first { $0.kind == .unreachableNode })
        #expect(unreachable.node == "\(snapshot.nodes[3].address)")
        #expect(unreachable.message.contains("Connection refused"))
        #expect(report.findings.contains { $0.kind == .failingNode })
        #expect(!report.isHealthy)
    }

    @Test func disagreementSplitsNodesIntoGroups() throws {
        let snapshot = try SnapshotFixture.make("healthy-6-nodes.txt") { index, view in
            guard index == 2, let owner = view.firstIndex(where: { !$0.slotRanges.isEmpty }) else { return }
            view[owner].slotTokens = [.owned(SlotRange(0, 100))]
        }
        let report = ClusterCheck.run(snapshot)
        #expect(report.agreementGroups.count == 2)
        #expect(report.findings.contains { $0.kind == .configDisagreement })
    }

    @Test func multipleOwnersAreFoundOnlyWhenAsked() throws {
        let snapshot = try SnapshotFixture.make("healthy-6-nodes.txt") { index, view in
            guard let me = view.firstIndex(where: \.isMyself), view[me].isMaster,
                  !view[me].slotRanges.contains(where: { $0.slots.contains(0) }) else { return }
            view[me].slotTokens.append(.owned(SlotRange(0)))
        }
        #expect(ClusterCheck.run(snapshot).multipleOwners == nil)
        let owners = try #require(ClusterCheck.run(snapshot, searchMultipleOwners: true).multipleOwners)
        #expect(owners.map(\.slot) == [0])
        #expect(owners[0].ownerIDs.count == 3)
    }

    @Test func replicaOfUnknownMasterIsReported() throws {
        let snapshot = try SnapshotFixture.make("healthy-6-nodes.txt") { _, view in
            if let me = view.firstIndex(where: \.isMyself), view[me].isReplica {
                view[me].masterID = String(repeating: "e", count: 40)
            }
        }
        let report = ClusterCheck.run(snapshot)
        #expect(report.findings.filter { $0.kind == .unknownMaster }.count == 3)
    }
}
