import ClusterModel
import RedisClient
import Testing
import TestSupport

@Suite struct RedisAuthTests {
    static let password = "s3cret-pass"

    private func protectedServer() async throws -> RedisServerProcess {
        let server = try RedisServerProcess(cluster: false, extraArguments: ["--requirepass", Self.password])
        try await server.waitUntilReady()
        return server
    }

    @Test func passwordIsSentOnConnect() async throws {
        let server = try await protectedServer()
        let connection = try await RedisConnection.connect(to: server.address, options: .init(auth: RedisAuth(password: Self.password)))
        defer { Task { await connection.close() } }
        #expect(try await connection.send(["PING"]) == .simpleString("PONG"))
    }

    @Test func missingPasswordExplainsHowToGiveOne() async throws {
        let server = try await protectedServer()
        let connection = try await RedisConnection.connect(to: server.address)
        defer { Task { await connection.close() } }
        do {
            try await connection.send(["PING"])
            Issue.record("PING without AUTH succeeded")
        } catch {
            #expect(error.serverError?.code == "NOAUTH")
            #expect(error.description.contains("REDISCLI_AUTH"))
        }
    }

    @Test func wrongPasswordIsAnAuthFailure() async throws {
        let server = try await protectedServer()
        do {
            _ = try await RedisConnection.connect(to: server.address, options: .init(auth: RedisAuth(password: "wrong")))
            Issue.record("wrong password accepted")
        } catch {
            guard case .authFailed(_, let reply) = error else { Issue.record("wrong error \(error)"); return }
            #expect(reply.code == "WRONGPASS")
        }
    }

    @Test(arguments: [RedisConnectionOptions.ProtocolVersion.resp2, .resp3])
    func aclUserWithPassword(version: RedisConnectionOptions.ProtocolVersion) async throws {
        let server = try await protectedServer()
        let admin = try await RedisConnection.connect(to: server.address, options: .init(auth: RedisAuth(password: Self.password)))
        try await admin.send(["ACL", "SETUSER", "alice", "on", ">alice-pw", "~*", "+@all"])
        await admin.close()
        let options = RedisConnectionOptions(auth: RedisAuth(username: "alice", password: "alice-pw"), protocolVersion: version)
        let connection = try await RedisConnection.connect(to: server.address, options: options)
        defer { Task { await connection.close() } }
        #expect(try await connection.send(["ACL", "WHOAMI"]).string == "alice")
    }
}
