import Foundation
import Testing
import TestSupport

/// redis-py, a real client library, against `rcluster server` and, as the
/// control, against redis-server: the same script must pass on both.
@Suite struct ClientLibraryTests {
    @Test(arguments: [TestServer.engine, TestServer.redis70])
    func redisPyWorksAgainstTheNode(server: TestServer) async throws {
        let node = try RedisServerProcess(cluster: false, server: server)
        defer { node.kill(); node.removeFiles() }
        try await node.waitUntilReady()
        let result = try await ProcessRunner.run("python3", [Fixtures.repositoryRoot + "/Tests/Scripts/engine_client_check.py", "\(node.port)"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"ok\": true"), "\(result.stdout)\(result.stderr)")
    }
}
