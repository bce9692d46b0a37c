/// Bounds how many heavy tests run at once. Swift Testing starts every test
/// together; on two cores, dozens of 6-node clusters starting at the same
/// moment made loopback connects exceed their 2 s timeout.
public actor AsyncSemaphore {
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init(_ count: Int) { available = count }

    public func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    public func release() {
        if waiters.isEmpty {
            available += 1
        } else {
            waiters.removeFirst().resume()
        }
    }

    /// Runs `body` holding one unit.
    public func withPermit<T: Sendable>(_ body: @Sendable () async throws -> T) async rethrows -> T {
        await acquire()
        do {
            let result = try await body()
            release()
            return result
        } catch {
            release()
            throw error
        }
    }
}

/// At most this many real-server clusters exist at once across the whole run.
public enum TestLoad {
    public static let clusters = AsyncSemaphore(4)
}
