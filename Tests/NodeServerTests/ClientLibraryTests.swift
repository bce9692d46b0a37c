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

/// Scripts real applications run (redis-py's Lock and Script, Sidekiq's
/// ZPOPBYSCORE, a BullMQ-style job with cmsgpack and cjson, a GCRA rate
/// limiter), through redis-py's RedisCluster on a 3-master cluster of the
/// engine and, as the control, of redis-server.
@Suite struct ScriptingClientTests {
    @Test(arguments: [TestServer.engine, TestServer.redis70])
    func applicationScriptsRunOnACluster(server: TestServer) async throws {
        try await RedisTestCluster.withNodes(servers: [server, server, server]) { cluster in
            try await cluster.createWithReferenceCLI(replicas: 0)
            try await cluster.waitUntilConverged()
            let result = try await ProcessRunner.run("python3", [Fixtures.repositoryRoot + "/Tests/Scripts/scripting_client_check.py",
                                                                 "\(cluster.nodes[0].port)"])
            #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("\"ok\": true"), "\(result.stdout)\(result.stderr)")
        }
    }
}

/// Streams through redis-py's RedisCluster on a 3-master cluster: the stream
/// API's results equal redis-server's, and a producer with three consumer
/// processes in one group gets 100,000 entries through although one consumer
/// is SIGKILLed holding pending entries (XAUTOCLAIM hands them on).
@Suite struct StreamsClientTests {
    static func run(_ cluster: RedisTestCluster, _ arguments: [String]) async throws -> String {
        let result = try await ProcessRunner.run("python3", [Fixtures.repositoryRoot + "/Tests/Scripts/streams_client_check.py",
                                                             "\(cluster.nodes[0].port)"] + arguments)
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        return result.stdout
    }

    @Test func theStreamAPIAnswersAsOnRedisServer() async throws {
        var outputs: [String] = []
        for server in [TestServer.redis70, .engine] {
            try await RedisTestCluster.withNodes(servers: [server, server, server]) { cluster in
                try await cluster.createWithReferenceCLI(replicas: 0)
                try await cluster.waitUntilConverged()
                outputs.append(try await Self.run(cluster, []))
            }
        }
        #expect(outputs[0].contains("\"ok\": true"), "\(outputs[0])")
        #expect(outputs[1] == outputs[0])
    }

    @Test func consumersSurviveAKilledConsumerWithoutLosingEntries() async throws {
        try await RedisTestCluster.withNodes(servers: [.engine, .engine, .engine]) { cluster in
            try await cluster.createWithReferenceCLI(replicas: 0)
            try await cluster.waitUntilConverged()
            let output = try await Self.run(cluster, ["--workers"])
            #expect(output.contains("\"ok\": true"), "\(output)")
        }
    }
}
