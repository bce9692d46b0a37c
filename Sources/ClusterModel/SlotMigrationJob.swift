/// One entry of Valkey's CLUSTER GETSLOTMIGRATIONS: an atomic slot migration
/// started by CLUSTER MIGRATESLOTS, as the node it runs on reports it.
public struct SlotMigrationJob: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        case succeeded
        /// Nothing moved: an atomic migration is all or nothing.
        case failed(String)
        case cancelled
    }

    public let name: String
    /// EXPORT on the source, IMPORT on the target.
    public let operation: String
    /// "0-99 200-299", as the server prints them.
    public let slotRanges: String
    public let targetNode: String
    public let sourceNode: String
    /// Valkey's state names: "snapshotting", "failover-granted", "success", ...
    public let state: String
    public let message: String

    /// From the entry's field/value pairs; nil without a name or a state.
    public init?(fields: [String: String]) {
        guard let name = fields["name"], let state = fields["state"] else { return nil }
        self.name = name
        self.state = state
        operation = fields["operation"] ?? ""
        slotRanges = fields["slot_ranges"] ?? ""
        targetNode = fields["target_node"] ?? ""
        sourceNode = fields["source_node"] ?? ""
        // Valkey keeps the reply line's end in the message it got.
        let text = fields["message"] ?? ""
        message = String(text.reversed().drop { $0.isWhitespace }.reversed())
    }

    /// nil while it is still running.
    public var outcome: Outcome? {
        switch state {
        case "success": .succeeded
        case "cancelled": .cancelled
        case "failed": .failed(message.isEmpty ? "no reason given" : message)
        default: nil
        }
    }

    /// CLUSTER MIGRATESLOTS's SLOTSRANGE arguments for `slots`: a start and an
    /// end per run of consecutive slots.
    public static func rangeArguments(_ slots: some Sequence<Int>) -> [String] {
        var set = SlotSet()
        for slot in slots { set.insert(slot) }
        return set.ranges.flatMap { ["\($0.first)", "\($0.last)"] }
    }
}
