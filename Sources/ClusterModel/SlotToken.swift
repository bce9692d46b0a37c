/// One slot field of a CLUSTER NODES line: an owned range, or (on the node's own
/// line only) a slot being migrated to, or imported from, another node.
public enum SlotToken: Hashable, Sendable, CustomStringConvertible {
    case owned(SlotRange)
    case migrating(slot: Int, to: String)
    case importing(slot: Int, from: String)

    public var description: String {
        switch self {
        case .owned(let range): return range.description
        case .migrating(let slot, let node): return "[\(slot)->-\(node)]"
        case .importing(let slot, let node): return "[\(slot)-<-\(node)]"
        }
    }

    public init?(parsing text: Substring) {
        guard text.hasPrefix("[") else {
            guard let range = SlotRange(parsing: text) else { return nil }
            self = .owned(range)
            return
        }
        guard text.hasSuffix("]") else { return nil }
        let body = text.dropFirst().dropLast()
        if let arrow = body.range(of: "->-") {
            guard let slot = Int(body[..<arrow.lowerBound]), HashSlot.all.contains(slot) else { return nil }
            self = .migrating(slot: slot, to: String(body[arrow.upperBound...]))
        } else if let arrow = body.range(of: "-<-") {
            guard let slot = Int(body[..<arrow.lowerBound]), HashSlot.all.contains(slot) else { return nil }
            self = .importing(slot: slot, from: String(body[arrow.upperBound...]))
        } else {
            return nil
        }
    }
}

extension Substring {
    func range(of needle: String) -> Range<Index>? {
        let pattern = Array(needle)
        guard !pattern.isEmpty, count >= pattern.count else { return nil }
        var start = startIndex
        while let end = index(start, offsetBy: pattern.count, limitedBy: endIndex) {
            if self[start..<end].elementsEqual(pattern) { return start..<end }
            start = index(after: start)
        }
        return nil
    }
}
