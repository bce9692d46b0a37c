import Yams

/// A YAML node with where it came from (file, line, key path), so every
/// complaint about it can say exactly where to look.
struct YAMLValue {
    let node: Node
    let file: String
    let path: String
    /// Where this value's key is written, for complaints about the key itself.
    var keyMark: Mark? = nil

    var line: Int { node.mark?.line ?? 0 }
    var column: Int { node.mark?.column ?? 0 }

    func child(_ key: String, _ node: Node, keyMark: Mark? = nil) -> YAMLValue {
        YAMLValue(node: node, file: file, path: path.isEmpty ? key : "\(path).\(key)", keyMark: keyMark)
    }

    func element(_ index: Int, _ node: Node) -> YAMLValue {
        YAMLValue(node: node, file: file, path: "\(path)[\(index)]")
    }

    func issue(_ problem: String, fix: String = "") -> InventoryIssue {
        InventoryIssue(file: file, line: line, column: column, key: path, problem: problem, fix: fix)
    }

    func keyIssue(_ problem: String, fix: String = "") -> InventoryIssue {
        InventoryIssue(file: file, line: keyMark?.line ?? line, column: keyMark?.column ?? column, key: path, problem: problem, fix: fix)
    }

    var isNull: Bool {
        if case .scalar(let scalar) = node { return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string) }
        return false
    }

    /// Entries in file order; nil (with an issue) when the node is not a mapping.
    func entries(_ diagnostics: Diagnostics) -> [(key: String, value: YAMLValue)]? {
        guard case .mapping(let mapping) = node else {
            diagnostics.add(issue("expected a mapping (key: value lines)", fix: "indent the keys under '\(path.split(separator: ".").last ?? "")'"))
            return nil
        }
        return mapping.map { pair in
            let key = pair.key.string ?? "\(pair.key)"
            return (key, child(key, pair.value, keyMark: pair.key.mark))
        }
    }

    func elements(_ diagnostics: Diagnostics) -> [YAMLValue]? {
        guard case .sequence(let sequence) = node else {
            diagnostics.add(issue("expected a list (lines starting with '- ')"))
            return nil
        }
        return sequence.enumerated().map { element($0.offset, $0.element) }
    }

    func string(_ diagnostics: Diagnostics) -> String? {
        guard case .scalar(let scalar) = node, !isNull else {
            diagnostics.add(issue("expected a single value"))
            return nil
        }
        return scalar.string
    }

    func int(_ diagnostics: Diagnostics, in range: ClosedRange<Int>, fix: String = "") -> Int? {
        guard let text = string(diagnostics) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            diagnostics.add(issue("'\(text)' is not a whole number in \(range.lowerBound)...\(range.upperBound)", fix: fix))
            return nil
        }
        return value
    }

    func bool(_ diagnostics: Diagnostics) -> Bool? {
        guard let text = string(diagnostics) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            diagnostics.add(issue("'\(text)' is not true or false"))
            return nil
        }
    }
}

/// Collects issues while a whole inventory is read.
final class Diagnostics {
    private(set) var issues: [InventoryIssue] = []
    func add(_ issue: InventoryIssue) { issues.append(issue) }
}
