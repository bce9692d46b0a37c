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

    public static func allocate() -> Int {
        for _ in 0..<range.count {
            let port = next.withLock { value -> Int in
                let port = value
                value = value + 1 > range.upperBound ? range.lowerBound : value + 1
                return port
            }
            if isFree(port) && isFree(port + 10000) { return port }
        }
        fatalError("no free port pair in \(range)")
    }

    /// `count` consecutive client ports, each with its bus port free.
    public static func allocateRange(_ count: Int) -> Int {
        for _ in 0..<range.count {
            let base = allocate()
            guard base + count - 1 <= range.upperBound else { continue }
            if (base..<(base + count)).allSatisfy({ isFree($0) && isFree($0 + 10000) }) {
                next.withLock { $0 = base + count > range.upperBound ? range.lowerBound : base + count }
                return base
            }
        }
        fatalError("no \(count) consecutive free ports in \(range)")
    }

    static func isFree(_ port: Int) -> Bool { PortCheck.isFree(port) }
}
