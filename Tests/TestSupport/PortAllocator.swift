import Foundation
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

    static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        // As redis-server does: a port with only TIME_WAIT leftovers is free to it.
        var reuse: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = INADDR_ANY
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
