import Dispatch
import RedisClient
import Testing
import TestSupport

/// Runs a task's jobs on a queue the test can hold, so the task resumes from
/// an await only when the test lets it: a caller starved of CPU, on demand.
private final class HeldExecutor: TaskExecutor, @unchecked Sendable {
    private let queue = DispatchQueue(label: "held-executor")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    /// Takes effect once the running job reaches its next suspension point.
    func hold() { queue.suspend() }
    func release() { queue.resume() }
}

@Suite struct SlowResumeTests {
    /// The reply came in time; only the caller was slow to take it. The
    /// command timer must not then close a healthy connection (it did, and the
    /// next command failed with "closed by the server" under make test's load).
    @Test func aCallerResumingAfterTheTimeoutKeepsItsConnection() async throws {
        let server = try RedisServerProcess(cluster: false)
        try await server.waitUntilReady()
        let connection = try await RedisConnection.connect(to: server.address, options: .init(commandTimeoutMilliseconds: 100))
        defer { Task { await connection.close() } }
        let executor = HeldExecutor()
        let caller = Task(executorPreference: executor) { () async throws(RedisClientError) -> String? in
            executor.hold()
            _ = try await connection.send(["SET", "k", "v"])
            return try await connection.send(["GET", "k"]).string
        }
        try await Task.sleep(for: .milliseconds(400))
        executor.release()
        #expect(try await caller.value == "v")
    }
}
