import ClusterAdmin
import ClusterModel
import Foundation

/// Reshard and rebalance progress: on a terminal, one line on stderr redrawn in place
/// (slots, keys, keys/s, bytes/s into the target, ETA); otherwise a plain line per window on stdout;
/// nothing at all with --json (the summary says it).
final class MigrationProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let totalSlots: Int
    private let terminal: Terminal
    private let quiet: Bool
    private let live: Bool
    private let started = ContinuousClock.now
    private var slots = 0
    private var keys = 0
    private var bytes: Int?

    init(totalSlots: Int, terminal: Terminal, quiet: Bool) {
        self.totalSlots = totalSlots
        self.terminal = terminal
        self.quiet = quiet
        live = !quiet && isatty(STDERR_FILENO) == 1 && terminal.environment["TERM"] != "dumb"
    }

    var elapsedSeconds: Double {
        let (seconds, attoseconds) = (ContinuousClock.now - started).components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// What the target has received so far (InputByteMeter), when known.
    func received(bytes total: Int) {
        lock.lock()
        defer { lock.unlock() }
        bytes = total
    }

    var movedSlots: Int {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }

    var bytesPerSecond: Double? {
        lock.lock()
        defer { lock.unlock() }
        return bytes.map { Double($0) / max(elapsedSeconds, 0.001) }
    }

    /// A line of its own (rebalance's "Moving N slots ..."), above the bar.
    func say(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        guard !quiet else { return }
        if live { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        terminal.print(line)
        if live && slots > 0 { redraw() }
    }

    /// To standard error, even with --json, above the bar.
    private func warn(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        if live { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        terminal.warn(line)
        if live && slots > 0 { redraw() }
    }

    /// A window moved: the bar, or a line naming its slots.
    func record(_ event: Resharder.Event) {
        switch event {
        case .slotsMoved(let slots, let source, let destination, let keys):
            let ranges = SlotSet(ranges: slots.map { SlotRange($0) }).ranges.map(\.description).joined(separator: ",")
            moved(slots: slots.count, keys: keys, line: "Moved slots \(ranges) from \(source) to \(destination): \(keys) keys")
        case .atomicMigrationFailed(let source, let destination, let reason):
            warn("[WARNING] Atomic slot migration from \(source) to \(destination) moved nothing (\(reason)); its slots move with MIGRATE instead.")
        }
    }

    private func moved(slots count: Int, keys moved: Int, line: String) {
        lock.lock()
        defer { lock.unlock() }
        slots += count
        keys += moved
        guard !quiet else { return }
        guard live else {
            terminal.print(line)
            return
        }
        redraw()
    }

    /// Caller holds the lock.
    private func redraw() {
        let elapsed = max(elapsedSeconds, 0.001)
        let rate = Double(keys) / elapsed
        let remaining = Double(totalSlots - slots) * elapsed / Double(max(slots, 1))
        let width = 30
        let filled = totalSlots == 0 ? width : width * slots / totalSlots
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let throughput = bytes.map { ", " + Self.byteRate(Double($0) / elapsed) } ?? ""
        let text = String(format: "\r\u{1B}[K[%@] %d/%d slots, %d keys, %.0f keys/s%@, ETA %.0f s",
                          bar, slots, totalSlots, keys, rate, throughput, remaining)
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func byteRate(_ perSecond: Double) -> String {
        perSecond >= 1_000_000 ? String(format: "%.1f MB/s", perSecond / 1_000_000) : String(format: "%.0f kB/s", perSecond / 1000)
    }

    func finish() {
        if live { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// `rcluster reshard --json` (`rcluster.reshard/1`).
struct ReshardJSON: Encodable {
    let schema = "rcluster.reshard/1"
    let target: String
    let sources: [String]
    let slots: Int
    let keys: Int
    let seconds: Double
    let keysPerSecond: Double
    /// Read by the target from its clients during the move (INFO stats), nil when unreadable.
    let bytesPerSecond: Double?
    let resumed: Bool
}

/// `rcluster reshard --dry-run --json` (`rcluster.reshard-plan/1`): which slots would move from where.
struct ReshardPlanJSON: Encodable {
    struct Source: Encodable {
        let id: String
        let address: String
        let slots: [String]
    }

    let schema = "rcluster.reshard-plan/1"
    let target: String
    let targetID: String
    let slots: Int
    let sources: [Source]

    init(_ plan: Resharder.Plan) {
        target = "\(plan.target.address)"
        targetID = plan.target.id
        slots = plan.moves.count
        sources = plan.sources.compactMap { source in
            let moved = plan.moves.filter { $0.sourceID == source.id }.map { SlotRange($0.slot) }
            guard !moved.isEmpty else { return nil }
            return Source(id: source.id, address: "\(source.address)", slots: SlotSet(ranges: moved).ranges.map(\.description))
        }
    }
}
