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
}
