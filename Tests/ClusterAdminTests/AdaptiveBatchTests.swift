import Testing
@testable import ClusterAdmin

@Suite struct AdaptiveBatchTests {
    @Test func startsSmallAndGrowsWhileQuickAndFull() {
        let batch = AdaptiveBatch(maximum: 100)
        #expect(batch.current == 10)
        batch.record(migrates: 10, elapsed: .milliseconds(10), filled: true)
        #expect(batch.current == 20)
        for _ in 0..<5 { batch.record(migrates: 10, elapsed: .milliseconds(10), filled: true) }
        #expect(batch.current == 100)
        #expect(AdaptiveBatch(maximum: 4).current == 4)
    }

    @Test func slowMigratesHalveTheBatchQuickFullOnesGrowItBackToTheMaximum() {
        let batch = AdaptiveBatch(maximum: 1000, initial: 1000)
        #expect(batch.current == 1000)
        batch.record(migrates: 4, elapsed: .seconds(2), filled: true)   // 500 ms each
        #expect(batch.current == 500)
        batch.record(migrates: 1, elapsed: .milliseconds(900), filled: true)
        #expect(batch.current == 250)
        batch.record(migrates: 10, elapsed: .milliseconds(500), filled: true)  // 50 ms each: keep
        #expect(batch.current == 250)
        batch.record(migrates: 10, elapsed: .milliseconds(50), filled: false)  // quick but nothing left: keep
        #expect(batch.current == 250)
        for _ in 0..<5 { batch.record(migrates: 10, elapsed: .milliseconds(50), filled: true) }
        #expect(batch.current == 1000)
    }

    @Test func neverBelowOneAndAnEmptyRoundChangesNothing() {
        let batch = AdaptiveBatch(maximum: 3, initial: 3)
        for _ in 0..<5 { batch.record(migrates: 1, elapsed: .seconds(1), filled: true) }
        #expect(batch.current == 1)
        batch.record(migrates: 0, elapsed: .seconds(9), filled: true)
        #expect(batch.current == 1)
    }
}
