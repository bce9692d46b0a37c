/// A skiplist with spans, ordered by (score, member): O(log n) insert,
/// delete, rank and by-rank lookup, as the skiplist encoding of a sorted
/// set needs (ZRANK, ZRANGE by index on large sets).
final class ZSkipNode {
    let member: [UInt8]
    var score: Double
    var backward: ZSkipNode?
    var forward: [ZSkipNode?]
    var span: [Int]

    init(level: Int, score: Double, member: [UInt8]) {
        self.member = member
        self.score = score
        forward = Array(repeating: nil, count: level)
        span = Array(repeating: 0, count: level)
    }
}

struct ZSkipList {
    static let maxLevel = 32
    let header = ZSkipNode(level: ZSkipList.maxLevel, score: 0, member: [])
    private(set) var tail: ZSkipNode?
    private(set) var count = 0
    private var level = 1

    /// (score, member) order; members compare as bytes.
    @inline(__always)
    static func precedes(_ score: Double, _ member: [UInt8], _ otherScore: Double, _ otherMember: [UInt8]) -> Bool {
        score < otherScore || (score == otherScore && member.lexicographicallyPrecedes(otherMember))
    }

    private static func randomLevel<G: RandomNumberGenerator>(_ generator: inout G) -> Int {
        var level = 1
        while level < maxLevel && UInt32.random(in: 0..<4, using: &generator) == 0 { level += 1 }
        return level
    }

    @discardableResult
    mutating func insert<G: RandomNumberGenerator>(score: Double, member: [UInt8], using generator: inout G) -> ZSkipNode {
        var update = [ZSkipNode](repeating: header, count: Self.maxLevel)
        var rank = [Int](repeating: 0, count: Self.maxLevel)
        var node = header
        for index in stride(from: level - 1, through: 0, by: -1) {
            rank[index] = index == level - 1 ? 0 : rank[index + 1]
            while let next = node.forward[index], Self.precedes(next.score, next.member, score, member) {
                rank[index] += node.span[index]
                node = next
            }
            update[index] = node
        }
        let newLevel = Self.randomLevel(&generator)
        if newLevel > level {
            for index in level..<newLevel {
                rank[index] = 0
                update[index] = header
                header.span[index] = count
            }
            level = newLevel
        }
        let inserted = ZSkipNode(level: newLevel, score: score, member: member)
        for index in 0..<newLevel {
            inserted.forward[index] = update[index].forward[index]
            update[index].forward[index] = inserted
            inserted.span[index] = update[index].span[index] - (rank[0] - rank[index])
            update[index].span[index] = (rank[0] - rank[index]) + 1
        }
        if newLevel < level {
            for index in newLevel..<level { update[index].span[index] += 1 }
        }
        inserted.backward = update[0] === header ? nil : update[0]
        if let next = inserted.forward[0] { next.backward = inserted } else { tail = inserted }
        count += 1
        return inserted
    }

    @discardableResult
    mutating func delete(score: Double, member: [UInt8]) -> Bool {
        var update = [ZSkipNode](repeating: header, count: Self.maxLevel)
        var node = header
        for index in stride(from: level - 1, through: 0, by: -1) {
            while let next = node.forward[index], Self.precedes(next.score, next.member, score, member) { node = next }
            update[index] = node
        }
        guard let target = node.forward[0], target.score == score, target.member == member else { return false }
        for index in 0..<level {
            if update[index].forward[index] === target {
                update[index].span[index] += target.span[index] - 1
                update[index].forward[index] = target.forward[index]
            } else {
                update[index].span[index] -= 1
            }
        }
        if let next = target.forward[0] { next.backward = target.backward } else { tail = target.backward }
        while level > 1 && header.forward[level - 1] == nil { level -= 1 }
        count -= 1
        return true
    }

    /// 1-based rank of an element, 0 when absent.
    func rank(score: Double, member: [UInt8]) -> Int {
        var rank = 0
        var node = header
        for index in stride(from: level - 1, through: 0, by: -1) {
            while let next = node.forward[index],
                  Self.precedes(next.score, next.member, score, member) || (next.score == score && next.member == member) {
                rank += node.span[index]
                node = next
            }
            if node !== header && node.score == score && node.member == member { return rank }
        }
        return 0
    }

    /// The element of 1-based rank `rank`.
    func node(atRank rank: Int) -> ZSkipNode? {
        var traversed = 0
        var node = header
        for index in stride(from: level - 1, through: 0, by: -1) {
            while let next = node.forward[index], traversed + node.span[index] <= rank {
                traversed += node.span[index]
                node = next
            }
            if traversed == rank { return node }
        }
        return nil
    }

    /// How many elements precede the first that satisfies `isAtOrAfter` (monotonic in the order).
    func countBefore(_ isAtOrAfter: (ZSkipNode) -> Bool) -> Int {
        var rank = 0
        var node = header
        for index in stride(from: level - 1, through: 0, by: -1) {
            while let next = node.forward[index], !isAtOrAfter(next) {
                rank += node.span[index]
                node = next
            }
        }
        return rank
    }
}
