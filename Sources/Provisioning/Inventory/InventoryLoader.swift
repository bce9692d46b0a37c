import Foundation
import Yams

/// Reads an inventory file, either rcluster's own layout (cluster, defaults,
/// hosts) or an Ansible YAML inventory (all/children/hosts/vars) with
/// rcluster's settings as `rcluster_*` variables. Reports every problem at once.
public enum InventoryLoader {
    public static func load(path: String) throws(InventoryError) -> Inventory {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot read the file (permissions?)" : "no such file"
            throw InventoryError(issues: [InventoryIssue(file: path, line: 0, column: 0, key: "", problem: reason, fix: "pass the inventory with -i PATH; Inventory/ has examples")])
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    public static func parse(_ text: String, path: String) throws(InventoryError) -> Inventory {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw InventoryError(issues: [syntaxIssue(error, path: path)])
        } catch {
            throw InventoryError(issues: [InventoryIssue(file: path, line: 0, column: 0, key: "", problem: "\(error)", fix: "")])
        }
        guard let node else {
            throw InventoryError(issues: [InventoryIssue(file: path, line: 0, column: 0, key: "", problem: "the file is empty", fix: "see Inventory/README.md for the format")])
        }
        let diagnostics = Diagnostics()
        let root = YAMLValue(node: node, file: path, path: "")
        var document = InventoryDocument(path: path)
        if let entries = root.entries(diagnostics) {
            let keys = Set(entries.map(\.key))
            if keys.contains("all") && !keys.contains("hosts") {
                document.readAnsible(entries, diagnostics)
            } else {
                document.readNative(entries, diagnostics)
            }
        }
        let inventory = document.resolve(diagnostics)
        guard diagnostics.issues.isEmpty, let inventory else { throw InventoryError(issues: diagnostics.issues) }
        return inventory
    }

    private static func syntaxIssue(_ error: YamlError, path: String) -> InventoryIssue {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return InventoryIssue(file: path, line: mark.line, column: mark.column, key: "", problem: "YAML syntax: \(problem)", fix: "check the indentation and quoting on that line")
        default:
            return InventoryIssue(file: path, line: 0, column: 0, key: "", problem: "YAML: \(error)", fix: "")
        }
    }
}
