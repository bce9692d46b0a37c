import Foundation
import LocalCluster
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Hands out client ports whose bus port (+10000) is free too. Ports stay in
/// 13000-22767 so bus ports stay below the kernel's ephemeral range (32768+),
/// where outgoing connections would steal them at random.
public enum PortAllocator {
    private static let range = 13000...22767
    private static let next = Mutex<Int>(13000 + Int(getpid() % 97) * 97)

    public static func allocate() -> Int { allocateRange(1) }

    /// `count` consecutive client ports, each with its bus port free. The
    /// range is reserved under the lock before it is probed, so tests running
    /// in parallel never get overlapping ranges.
    public static func allocateRange(_ count: Int) -> Int {
        for _ in 0..<range.count {
            let base = next.withLock { value -> Int in
                let base = value + count - 1 > range.upperBound ? range.lowerBound : value
                value = base + count > range.upperBound ? range.lowerBound : base + count
                return base
            }
            if (base..<(base + count)).allSatisfy({ isFree($0) && isFree($0 + 10000) }) { return base }
        }
        fatalError("no \(count) consecutive free ports in \(range)")
    }

    /// After a port turned out to be someone else's (another test run
    /// allocating from the same range): move well away from it.
    public static func skipAhead() {
        next.withLock { value in
            value += Int.random(in: 300...3000)
            if value > range.upperBound { value = range.lowerBound + value % range.count }
        }
    }

    static func isFree(_ port: Int) -> Bool { PortCheck.isFree(port) }

    /// Nothing listens on `port` (nor on its bus port).
    public static func isPortFree(_ port: Int) -> Bool { isFree(port) && isFree(port + 10000) }
}
