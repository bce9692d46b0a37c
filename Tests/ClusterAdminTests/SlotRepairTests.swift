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

    @Test func severalOwnersAreLeftWithAReason() {
        let state = SlotRepair.SlotState(slot: 1, owners: ["a", "b"], migrating: [], importing: [], keyCounts: [:])
        guard case .unsupported(1, let reason) = SlotRepair.decide(state, masters: masters) else { Issue.record("decided"); return }
        #expect(reason.contains("redis-cli --cluster fix"))
    }
}
