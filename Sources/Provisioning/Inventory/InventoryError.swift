/// One problem in an inventory file: where, which key, what is wrong and how to fix it.
public struct InventoryIssue: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var key: String
    public var problem: String
    public var fix: String

    public var description: String {
        let place = line > 0 ? "\(file):\(line):\(column)" : file
        let subject = key.isEmpty ? "" : "\(key): "
        return fix.isEmpty ? "\(place): \(subject)\(problem)" : "\(place): \(subject)\(problem); \(fix)"
    }
}

/// Every problem found in an inventory, reported together so one run shows them all.
public struct InventoryError: Error, Sendable, CustomStringConvertible {
    public var issues: [InventoryIssue]

    public var description: String {
        issues.map(\.description).joined(separator: "\n")
    }
}
