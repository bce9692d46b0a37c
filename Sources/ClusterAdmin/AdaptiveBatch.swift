import Foundation

/// Keys per GETKEYSINSLOT / MIGRATE, adapted to how long MIGRATEs take. The
/// source is blocked for the whole of a MIGRATE, so a batch of large values
/// would stall its clients: a run starts with the reference's 10 keys, doubles
/// while MIGRATEs are quick and slots still fill whole batches (up to the
/// --pipeline the user gave), and halves when one MIGRATE averages over
/// `slow`. Time stands in for bytes, which cannot be known before the keys are
/// read. Shared by every window of a run, so only the first pays the ramp.
public final class AdaptiveBatch: @unchecked Sendable {
    public let maximum: Int
    let slow: Duration
    let quick: Duration
    private let lock = NSLock()
    private var size: Int

    public init(maximum: Int, initial: Int = 10, slow: Duration = .milliseconds(200), quick: Duration = .milliseconds(20)) {
        self.maximum = max(1, maximum)
        self.slow = slow
        self.quick = quick
        size = min(self.maximum, max(1, initial))
    }

    public var current: Int {
        lock.lock()
        defer { lock.unlock() }
        return size
    }

    /// After a round of `migrates` pipelined MIGRATEs that took `elapsed`;
    /// `filled` tells whether some slot returned a whole batch.
    public func record(migrates: Int, elapsed: Duration, filled: Bool) {
        guard migrates > 0 else { return }
        let perMigrate = elapsed / migrates
        lock.lock()
        defer { lock.unlock() }
        if perMigrate > slow {
            size = max(1, size / 2)
        } else if perMigrate < quick && filled {
            size = min(maximum, size * 2)
        }
    }
}
