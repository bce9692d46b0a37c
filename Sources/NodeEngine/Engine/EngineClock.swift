#if canImport(Glibc)
import Glibc
#endif

/// Time as the engine sees it: injected, so expiry and timeouts can be
/// tested in microseconds with a clock the test moves.
public protocol EngineClock: AnyObject {
    /// Unix time in microseconds.
    func microseconds() -> Int64
}

extension EngineClock {
    public func milliseconds() -> Int64 { microseconds() / 1000 }
}

/// The wall clock.
public final class SystemClock: EngineClock {
    public init() {}
    public func microseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000
    }
}

/// A clock a test sets and advances.
public final class ManualClock: EngineClock {
    public var now: Int64

    public init(microseconds: Int64 = 1_700_000_000_000_000) { now = microseconds }
    public func microseconds() -> Int64 { now }
    public func advance(milliseconds: Int64) { now += milliseconds * 1000 }
}
