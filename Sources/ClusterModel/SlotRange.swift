/// A contiguous run of hash slots, printed as Redis does: `5` or `0-5460`.
public struct SlotRange: Hashable, Sendable, Codable, CustomStringConvertible {
    public let first: Int
    public let last: Int

    public init(_ first: Int, _ last: Int) {
        precondition(first <= last && HashSlot.all.contains(first) && HashSlot.all.contains(last),
                     "invalid slot range \(first)-\(last)")
        self.first = first
        self.last = last
    }

    public init(_ slot: Int) { self.init(slot, slot) }

    public var count: Int { last - first + 1 }
    public var slots: ClosedRange<Int> { first...last }

    public var description: String { first == last ? "\(first)" : "\(first)-\(last)" }

    /// Parses `N` or `A-B`; nil when the text is not a valid slot range.
    public init?(parsing text: Substring) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
              let first = Int(parts[0]), let last = Int(parts[parts.count - 1]),
              HashSlot.all.contains(first), HashSlot.all.contains(last), first <= last
        else { return nil }
        self.init(first, last)
    }
}
