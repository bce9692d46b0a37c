import Foundation

/// A request to stop a move at its next safe point: a window boundary, so
/// every slot in flight is finished and closed first and nothing is left open.
/// Set from a signal handler's queue, read by the lanes.
public final class StopRequest: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    public init() {}

    /// Returns how many times a stop has been asked for, this one included.
    @discardableResult
    public func request() -> Int {
        lock.withLock {
            count += 1
            return count
        }
    }

    public var isRequested: Bool { lock.withLock { count > 0 } }
}
