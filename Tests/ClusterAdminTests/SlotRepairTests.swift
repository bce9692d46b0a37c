import ClusterModel
import ClusterAdmin
import Testing

@Suite struct SlotRepairTests {
    let masters = [(id: "a", slots: 5461), (id: "b", slots: 5462), (id: "c", slots: 5461)]

    @Test func interruptedMoveIsFinished() {
        let state = SlotRepair.SlotState(slot: 7, owners: ["a"], migrating: [("a", "b")], importing: [("b", "a")],
                                         keyCounts: ["a": 3, "b": 2, "c": 0])
        #expect(SlotRepair.decide(state, masters: masters) == .finishMigration(slot: 7, sourceID: "a", targetID: "b"))
    }

    @Test func migratingWithoutImporterIsFinishedTowardsItsTarget() {
        let state = SlotRepair.SlotState(slot: 7, owners: ["a"], migrating: [("a", "b")], importing: [], keyCounts: ["a": 3])
        #expect(SlotRepair.decide(state, masters: masters) == .finishMigration(slot: 7, sourceID: "a", targetID: "b"))
    }

    @Test func importingOnlyIsClosedAndStrayKeysGoHome() {
        let state = SlotRepair.SlotState(slot: 9, owners: ["a"], migrating: [], importing: [("c", "a")], keyCounts: ["a": 1, "c": 4])
        #expect(SlotRepair.decide(state, masters: masters) == .close(slot: 9, ownerID: "a", stableOn: ["c"], moveKeysFrom: ["c"]))
    }

    @Test func importerThatDisagreesClosesInsteadOfFinishing() {
        let state = SlotRepair.SlotState(slot: 9, owners: ["a"], migrating: [("a", "b")], importing: [("c", "a")], keyCounts: [:])
        #expect(SlotRepair.decide(state, masters: masters) == .close(slot: 9, ownerID: "a", stableOn: ["a", "c"], moveKeysFrom: []))
    }

    @Test func uncoveredSlotGoesToTheMasterWithMostKeysElseTheLeastLoaded() {
        let withKeys = SlotRepair.SlotState(slot: 42, owners: [], migrating: [], importing: [], keyCounts: ["a": 1, "b": 5, "c": 0])
        #expect(SlotRepair.decide(withKeys, masters: masters) == .assign(slot: 42, ownerID: "b", moveKeysFrom: ["a"]))
        let empty = SlotRepair.SlotState(slot: 42, owners: [], migrating: [], importing: [], keyCounts: ["a": 0, "b": 0, "c": 0])
        #expect(SlotRepair.decide(empty, masters: masters) == .assign(slot: 42, ownerID: "a", moveKeysFrom: []))
    }

    @Test func slotClaimedTwiceStaysWithTheClaimantHoldingMostKeys() {
        let state = SlotRepair.SlotState(slot: 1, owners: ["a", "b"], migrating: [], importing: [], keyCounts: ["a": 2, "b": 3, "c": 1])
        #expect(SlotRepair.decide(state, masters: masters)
                == .reclaim(slot: 1, ownerID: "b", releaseFrom: ["a"], stableOn: [], moveKeysFrom: ["a", "c"]))
    }

    @Test func slotClaimedTwiceWithoutKeysGoesToTheFirstClaimantAndClearsOpenStates() {
        let state = SlotRepair.SlotState(slot: 1, owners: ["c", "b"], migrating: [("c", "a")], importing: [("a", "c")], keyCounts: [:])
        #expect(SlotRepair.decide(state, masters: masters)
                == .reclaim(slot: 1, ownerID: "b", releaseFrom: ["c"], stableOn: ["a", "c"], moveKeysFrom: []))
    }

    @Test func aKeyHolderThatClaimsNothingCanStillBeTheOwner() {
        let state = SlotRepair.SlotState(slot: 1, owners: ["a", "b"], migrating: [], importing: [], keyCounts: ["c": 9])
        #expect(SlotRepair.decide(state, masters: masters)
                == .reclaim(slot: 1, ownerID: "c", releaseFrom: ["a", "b"], stableOn: [], moveKeysFrom: []))
    }
}

@Suite struct SlotSpreadTests {
    @Test func orphansGoInContiguousBlocksUpToEachMastersFairShare() {
        let owners = SlotRepair.spread([10, 11, 12, 13], over: [(id: "a", slots: 5), (id: "b", slots: 3)])
        #expect(owners == [10: "a", 11: "b", 12: "b", 13: "b"])
    }

    @Test func aMasterAlreadyOverItsShareGetsNone() {
        #expect(SlotRepair.spread([1, 2], over: [(id: "a", slots: 10), (id: "b", slots: 0)]) == [1: "b", 2: "b"])
        #expect(SlotRepair.spread([1], over: []).isEmpty)
    }

    /// Nodes restored from RDBs claim only the slots they hold keys in; the
    /// holes between them go back to the same node.
    @Test func holesBetweenAMastersSlotsGoToThatMaster() {
        let claimed: [Int: String] = [0: "a", 2: "a", 5: "a", 6: "b", 9: "b"]
        let orphans = [1, 3, 4, 7, 8] + Array(10..<HashSlot.count)
        let owners = SlotRepair.spread(orphans, over: [(id: "a", slots: 3), (id: "b", slots: 2)]) { claimed[$0] }
        #expect([1, 3, 4].map { owners[$0] } == ["a", "a", "a"])
        #expect([7, 8].map { owners[$0] } == ["b", "b"])
        #expect(owners.values.filter { $0 == "a" }.count + 3 == HashSlot.count / 2)
    }

    @Test func aLostMasterOfThreeIsSplitInTwoHalves() {
        let owners = SlotRepair.spread(Array(10923...16383), over: [(id: "a", slots: 5461), (id: "b", slots: 5462)])
        #expect(owners.values.filter { $0 == "a" }.count == 2731)
        #expect(owners[10923] == "a" && owners[13653] == "a" && owners[13654] == "b" && owners[16383] == "b")
    }
}

@Suite struct FixIntroductionTests {
    @Test func everyNodeKnowingEveryMasterNeedsNoIntroduction() throws {
        #expect(ClusterFixer.introductions(try SnapshotFixture.make("healthy-6-nodes.txt")).isEmpty)
    }

    @Test func aNodeThatForgotAServingMasterIsIntroducedAgain() throws {
        let snapshot = try SnapshotFixture.make("healthy-6-nodes.txt")
        let forgotten = try #require(snapshot.masters.last)
        let forgetful = try SnapshotFixture.make("healthy-6-nodes.txt") { index, view in
            if index == 0 { view.removeAll { $0.id == forgotten.id } }
        }
        #expect(ClusterFixer.introductions(forgetful) == [ClusterFixer.Introduction(nodeID: forgetful.nodes[0].id, masterID: forgotten.id)])
    }

    @Test func aForgottenMasterWithoutSlotsIsLeftAlone() throws {
        let snapshot = try SnapshotFixture.make("healthy-6-nodes.txt")
        let emptied = try #require(snapshot.masters.last).id
        let forgetful = try SnapshotFixture.make("healthy-6-nodes.txt") { index, view in
            if index == 0 { view.removeAll { $0.id == emptied } }
            for position in view.indices where view[position].id == emptied { view[position].slotTokens.removeAll() }
        }
        #expect(ClusterFixer.introductions(forgetful).isEmpty)
    }
}
