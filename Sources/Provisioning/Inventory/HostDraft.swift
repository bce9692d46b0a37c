/// A host as written, before defaults are merged and the whole file is checked.
struct HostDraft {
    var name: String?
    var address: String?
    var zone: String?
    var ports: [Int]?
    var nodeCount: Int?
    var basePort: Int?
    var settings = HostSettings()
    /// The host's own YAML, for messages about it as a whole.
    var source: YAMLValue

    /// Port numbers whose bus port (port + 10000) is still a valid port.
    static let portRange = 1...55535

    /// `ports: [7000, 7003]`, `ports: 7000-7002`, or a list mixing both.
    static func readPorts(_ value: YAMLValue, _ diagnostics: Diagnostics) -> [Int]? {
        let items: [YAMLValue]
        if case .sequence = value.node {
            guard let elements = value.elements(diagnostics) else { return nil }
            items = elements
        } else {
            items = [value]
        }
        var ports: [Int] = []
        for item in items {
            guard let text = item.string(diagnostics) else { return nil }
            let bounds = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard (1...2).contains(bounds.count), let low = bounds.first ?? nil, let high = bounds.last ?? nil, low <= high,
                  portRange.contains(low), portRange.contains(high)
            else {
                diagnostics.add(item.issue("'\(text)' is not a port or a port range", fix: "write 7000 or 7000-7005; ports go up to \(portRange.upperBound) so that the cluster bus port (port + 10000) is valid"))
                return nil
            }
            ports += Array(low...high)
        }
        return ports
    }
}
