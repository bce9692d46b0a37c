import ClusterAdmin
import NIOCore
import Testing

@Suite struct MigrateBatchesTests {
    let keys = ["a", "b", "c", "d"].map { ByteBuffer(string: $0) }

    private func names(_ batches: [[ByteBuffer]]) -> [[String]] { batches.map { $0.map { String(buffer: $0) } } }

    @Test func keysShareABatchWhileTheirSizesFit() {
        #expect(names(MigrateBatches.split(keys, sizes: [10, 10, 10, 10], byteLimit: 25)) == [["a", "b"], ["c", "d"]])
        #expect(names(MigrateBatches.split(keys, sizes: [10, 10, 10, 10], byteLimit: 40)) == [["a", "b", "c", "d"]])
    }

    @Test func aKeyOverTheLimitTravelsAlone() {
        #expect(names(MigrateBatches.split(keys, sizes: [1, 100, 1, 1], byteLimit: 50)) == [["a"], ["b"], ["c", "d"]])
    }

    @Test func unknownSizesDoNotSplit() {
        #expect(names(MigrateBatches.split(keys, sizes: [0, 0, 0, 0], byteLimit: 1)) == [["a", "b", "c", "d"]])
        #expect(MigrateBatches.split([], sizes: [], byteLimit: 1).isEmpty)
    }

    @Test func samplesAreTheFirstMiddleAndLastKeys() {
        #expect(MigrateBatches.samplePositions(count: 0) == [])
        #expect(MigrateBatches.samplePositions(count: 1) == [0])
        #expect(MigrateBatches.samplePositions(count: 2) == [0, 1])
        #expect(MigrateBatches.samplePositions(count: 1000) == [0, 500, 999])
    }

    @Test func onlyABatchThatCouldNearTheLimitIsSizedKeyByKey() {
        let limit = 64 << 20
        // 1000 keys of 70 bytes: 70 KB, far under; 1000 keys of 100 KB: 100 MB.
        #expect(!MigrateBatches.needsSizing(largestSample: 70, count: 1000, byteLimit: limit))
        #expect(MigrateBatches.needsSizing(largestSample: 100_000, count: 1000, byteLimit: limit))
        #expect(MigrateBatches.needsSizing(largestSample: 20 << 20, count: 1, byteLimit: limit))
        #expect(MigrateBatches.needsSizing(largestSample: Int.max / 2, count: 10, byteLimit: limit))
    }
}
