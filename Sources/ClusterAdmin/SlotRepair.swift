import ClusterModel

/// What `fix` does about one slot, decided from what every master says about
/// it (pure, so each case can be tested without servers).
public enum SlotRepair: Sendable, Hashable {
    /// An interrupted move: finish moving the keys, then give the slot to the target.
    case finishMigration(slot: Int, sourceID: String, targetID: String)
    /// The owner keeps the slot: clear migrating/importing states, bring stray keys home.
    case close(slot: Int, ownerID: String, stableOn: [String], moveKeysFrom: [String])
    /// Nobody owns the slot: give it to a master, bring keys elsewhere to it.
    case assign(slot: Int, ownerID: String, moveKeysFrom: [String])
    /// Several masters claim the slot, each in its own view: the one holding
    /// the most keys keeps it, the others let go first (so Redis never sees
    /// them lose a slot they hold keys in, which makes it delete those keys),
    /// then their keys move to the owner.
    case reclaim(slot: Int, ownerID: String, releaseFrom: [String], stableOn: [String], moveKeysFrom: [String])
    case unsupported(slot: Int, reason: String)

    public struct SlotState: Sendable, Hashable {
        public let slot: Int
        /// Masters claiming the slot in their own view.
        public let owners: [String]
        public let migrating: [(node: String, to: String)]
        public let importing: [(node: String, from: String)]
        /// Keys each reachable master holds in the slot.
        public let keyCounts: [String: Int]

        public init(slot: Int, owners: [String], migrating: [(node: String, to: String)],
                    importing: [(node: String, from: String)], keyCounts: [String: Int]) {
            self.slot = slot
            self.owners = owners
            self.migrating = migrating
            self.importing = importing
            self.keyCounts = keyCounts
        }

        public static func == (lhs: SlotState, rhs: SlotState) -> Bool {
            lhs.slot == rhs.slot && lhs.owners == rhs.owners && lhs.keyCounts == rhs.keyCounts
                && lhs.migrating.map { "\($0.node)>\($0.to)" } == rhs.migrating.map { "\($0.node)>\($0.to)" }
                && lhs.importing.map { "\($0.node)<\($0.from)" } == rhs.importing.map { "\($0.node)<\($0.from)" }
        }

        public func hash(into hasher: inout Hasher) { hasher.combine(slot) }
    }

    /// `masters` in cluster order, with their slot counts, break ties.
    public static func decide(_ state: SlotState, masters: [(id: String, slots: Int)]) -> SlotRepair {
        let slot = state.slot
        let holders = state.keyCounts.filter { $0.value > 0 }.map(\.key)
        let open = Set(state.migrating.map(\.node) + state.importing.map(\.node))
        let known = Set(masters.map(\.id))
        switch state.owners.count {
        case 1:
            let owner = state.owners[0]
            if state.migrating.count == 1, state.migrating[0].node == owner, known.contains(state.migrating[0].to),
               state.importing.allSatisfy({ $0.node == state.migrating[0].to && $0.from == owner }) {
                return .finishMigration(slot: slot, sourceID: owner, targetID: state.migrating[0].to)
            }
            return .close(slot: slot, ownerID: owner, stableOn: ordered(open, masters),
                          moveKeysFrom: ordered(Set(holders).subtracting([owner]), masters))
        case 0:
            let owner: String
            if let most = holders.max(by: { (state.keyCounts[$0]!, rank($1, masters)) < (state.keyCounts[$1]!, rank($0, masters)) }) {
                owner = most
            } else if let fewest = masters.min(by: { ($0.slots, rank($0.id, masters)) < ($1.slots, rank($1.id, masters)) }) {
                owner = fewest.id
            } else {
                return .unsupported(slot: slot, reason: "no reachable master to own it")
            }
            return .assign(slot: slot, ownerID: owner, moveKeysFrom: ordered(Set(holders).subtracting([owner]), masters))
        default:
            let candidates = Set(state.owners).union(holders)
            let owner = candidates.max { (state.keyCounts[$0] ?? 0, rank($1, masters)) < (state.keyCounts[$1] ?? 0, rank($0, masters)) }!
            return .reclaim(slot: slot, ownerID: owner, releaseFrom: ordered(Set(state.owners).subtracting([owner]), masters),
                            stableOn: ordered(open, masters), moveKeysFrom: ordered(Set(holders).subtracting([owner]), masters))
        }
    }

    /// Gives `slots` (ascending) to masters: a run of them between two slots
    /// of the same master goes to that master (the holes a restored RDB
    /// leaves between the slots it holds keys in), the rest in contiguous
    /// blocks, each master up to its fair share of the total, in `masters`
    /// order. `owner` tells who serves the other slots.
    public static func spread(_ slots: [Int], over masters: [(id: String, slots: Int)],
                              owner: (Int) -> String? = { _ in nil }) -> [Int: String] {
        guard !masters.isEmpty else { return [:] }
        var tally = masters
        var owners: [Int: String] = [:]
        var rest: [Int] = []
        var index = slots.startIndex
        while index < slots.endIndex {
            var end = index
            while end + 1 < slots.endIndex && slots[end + 1] == slots[end] + 1 { end += 1 }
            let run = slots[index...end]
            let left = run.first! > 0 ? owner(run.first! - 1) : nil
            let right = run.last! < HashSlot.count - 1 ? owner(run.last! + 1) : nil
            if let left, left == right, let position = tally.firstIndex(where: { $0.id == left }) {
                run.forEach { owners[$0] = left }
                tally[position].slots += run.count
            } else {
                rest += run
            }
            index = end + 1
        }
        let total = tally.reduce(rest.count) { $0 + $1.slots }
        var remaining = rest[...]
        for (position, master) in tally.enumerated() {
            let take = max(0, total / tally.count + (position < total % tally.count ? 1 : 0) - master.slots)
            remaining.prefix(take).forEach { owners[$0] = master.id }
            remaining = remaining.dropFirst(take)
        }
        // Rounding can leave a few when a master is already over its share.
        for (offset, slot) in remaining.enumerated() { owners[slot] = tally[offset % tally.count].id }
        return owners
    }

    private static func rank(_ id: String, _ masters: [(id: String, slots: Int)]) -> Int {
        masters.firstIndex { $0.id == id } ?? Int.max
    }

    private static func ordered(_ ids: Set<String>, _ masters: [(id: String, slots: Int)]) -> [String] {
        ids.sorted { rank($0, masters) < rank($1, masters) }
    }
}
