import ClusterModel
import Testing

@Suite struct HashSlotTests {
    @Test func crc16MatchesTheXmodemCheckValue() {
        #expect(CRC16.checksum(Array("123456789".utf8)) == 0x31C3)
        #expect(CRC16.checksum([UInt8]()) == 0)
    }

    @Test(arguments: [
        ("foo", 12182), ("bar", 5061), ("hello", 866), ("", 0), ("123456789", 0x31C3 & 0x3FFF),
    ])
    func slotsMatchRedis(key: String, slot: Int) {
        #expect(HashSlot(key: key).rawValue == slot)
    }

    @Test func hashTagsShareASlot() {
        #expect(HashSlot(key: "{user1000}.following") == HashSlot(key: "{user1000}.followers"))
        #expect(HashSlot(key: "{user1000}.following") == HashSlot(key: "user1000"))
    }

    @Test(arguments: [
        ("foo{}{bar}", "foo{}{bar}"),  // empty tag: whole key hashed
        ("foo{{bar}}zap", "{bar"),     // first { to first } after it
        ("foo{bar}{zap}", "bar"),
        ("{bar", "{bar"),              // no closing brace
        ("}bar{", "}bar{"),
    ])
    func hashTagEdgeCases(key: String, hashed: String) {
        #expect(HashSlot(key: key).rawValue == Int(CRC16.checksum(Array(hashed.utf8)) & 0x3FFF))
    }

    @Test func binaryKeysHash() {
        #expect(HashSlot(key: [0, 255, 13, 10]).rawValue == Int(CRC16.checksum([0, 255, 13, 10]) & 0x3FFF))
    }
}

@Suite struct SlotSetTests {
    @Test func rangesMergeAndSplit() {
        var set = SlotSet(ranges: [SlotRange(0, 10), SlotRange(12), SlotRange(11)])
        #expect(set.ranges == [SlotRange(0, 12)])
        set.remove(5)
        #expect(set.ranges == [SlotRange(0, 4), SlotRange(6, 12)])
        #expect(set.count == 12)
        #expect(SlotSet.full.count == 16384)
        #expect(SlotSet.full.ranges == [SlotRange(0, 16383)])
        #expect(SlotSet.full.subtracting(set).count == 16384 - 12)
        #expect(Array(SlotSet(ranges: [SlotRange(16380, 16383)])) == [16380, 16381, 16382, 16383])
    }

    @Test(arguments: ["0", "0-5460", "16383", "5461-10922"])
    func rangeTextRoundTrips(text: String) throws {
        let range = try #require(SlotRange(parsing: Substring(text)))
        #expect(range.description == text)
    }

    @Test(arguments: ["", "-1", "16384", "5-3", "a-b", "1-2-3", "1-"])
    func invalidRangesAreRefused(text: String) {
        #expect(SlotRange(parsing: Substring(text)) == nil)
    }
}
