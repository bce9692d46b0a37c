import Testing

/// The harness itself: it must see a difference where there is one, or
/// every differential test would pass whatever the engine answers.
@Suite struct DifferentialHarnessTests {
    @Test func aRealDifferenceIsReported() async throws {
        // run_id and process_id differ between any two servers.
        let found = try await DifferentialHarness.differences(["info": "INFO server\nPING"])
        #expect(found.count == 2, "\(found)")  // INFO in RESP2 and RESP3; PING agrees
        #expect(found.allSatisfy { $0.contains("INFO server") })
    }

    @Test func scriptsSplitLikeACommandLine() {
        let steps = DifferentialHarness.script("SET k \"a b\"\n~ SMEMBERS s\n# comment\n? INFO\n")
        #expect(steps.map(\.words) == [["SET", "k", "a b"], ["SMEMBERS", "s"], ["INFO"]])
    }
}
