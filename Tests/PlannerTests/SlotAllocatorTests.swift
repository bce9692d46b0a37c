import ClusterModel
import Planner
import Testing

@Suite struct SlotAllocatorTests {
    @Test func rangesMatchTheReference() {
        #expect(SlotAllocator.ranges(masterCount: 3).map(\.description) == ["0-5460", "5461-10922", "10923-16383"])
        #expect(SlotAllocator.ranges(masterCount: 4).map(\.description) == ["0-4095", "4096-8191", "8192-12287", "12288-16383"])
        #expect(SlotAllocator.ranges(masterCount: 5).map(\.description)
            == ["0-3276", "3277-6553", "6554-9829", "9830-13106", "13107-16383"])
        #expect(SlotAllocator.ranges(masterCount: 6).map(\.count) == [2731, 2730, 2731, 2731, 2730, 2731])
    }

    @Test(arguments: Array(1...200) + [1000, 5000, 16384])
    func everySlotOwnedOnceAndSizesWithinOne(masters: Int) {
        let ranges = SlotAllocator.ranges(masterCount: masters)
        #expect(ranges.count == masters)
        #expect(ranges.first?.first == 0 && ranges.last?.last == 16383)
        for (left, right) in zip(ranges, ranges.dropFirst()) { #expect(left.last + 1 == right.first) }
        let sizes = ranges.map(\.count)
        #expect(sizes.max()! - sizes.min()! <= 1)
    }
}
