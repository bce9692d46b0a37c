import ClusterModel
import Testing

@Suite struct SlotMigrationJobTests {
    /// Fields as Valkey 9.1 listed a failed export (captured by hand, with
    /// the line end Valkey keeps in the message).
    let failed: [String: String] = [
        "name": "3606eb003b485dc4576e8eebfad65340f5da29d4", "operation": "EXPORT", "slot_ranges": "0-99",
        "target_node": "d3c1d164e6e3daff49071932f6ff47cbe24824c5", "source_node": "ffb1328f3199d1bc9ccad99276939056c6fd3f3d",
        "create_time": "1796004685", "last_update_time": "1796004685", "last_ack_time": "1796004685", "state": "failed",
        "message": "Received error during handshake to target: -NOAUTH Authentication required.\r\n", "cow_size": "0",
        "remaining_repl_size": "0",
    ]

    @Test func readsAFailedJobAndItsReasonWithoutTheLineEnd() throws {
        let job = try #require(SlotMigrationJob(fields: failed))
        #expect(job.operation == "EXPORT" && job.slotRanges == "0-99")
        #expect(job.targetNode.hasPrefix("d3c1d164") && job.sourceNode.hasPrefix("ffb1328f"))
        #expect(job.outcome == .failed("Received error during handshake to target: -NOAUTH Authentication required."))
    }

    @Test(arguments: [("success", SlotMigrationJob.Outcome?.some(.succeeded)), ("cancelled", .some(.cancelled)),
                      ("snapshotting", nil), ("failover-granted", nil), ("waiting-to-snapshot", nil)])
    func onlyTheEndStatesHaveAnOutcome(state: String, outcome: SlotMigrationJob.Outcome?) throws {
        var fields = failed
        fields["state"] = state
        #expect(try #require(SlotMigrationJob(fields: fields)).outcome == outcome)
    }

    @Test func aFailureWithoutAMessageStillSaysSomething() throws {
        var fields = failed
        fields["message"] = ""
        #expect(try #require(SlotMigrationJob(fields: fields)).outcome == .failed("no reason given"))
    }

    @Test func anEntryWithoutANameOrStateIsNotAJob() {
        #expect(SlotMigrationJob(fields: failed.filter { $0.key != "name" }) == nil)
        #expect(SlotMigrationJob(fields: failed.filter { $0.key != "state" }) == nil)
    }

    @Test func rangeArgumentsAreOnePairPerRunOfSlots() {
        #expect(SlotMigrationJob.rangeArguments([7, 1, 2, 3, 5, 16383]) == ["1", "3", "5", "5", "7", "7", "16383", "16383"])
        #expect(SlotMigrationJob.rangeArguments(Array(0..<128)) == ["0", "127"])
        #expect(SlotMigrationJob.rangeArguments([]) == [])
    }
}
