import Foundation
import Testing
import TestSupport
@testable import Provisioning

/// The libssh2 client against a real OpenSSH sshd on loopback.
@Suite(.serialized) struct SSHClientTests {
    private func connect(_ server: SSHServerProcess, key: String, knownHosts: String? = nil, acceptNew: Bool = false,
                         passphrase: String? = nil, timeouts: SSHTimeouts = SSHTimeouts()) async throws -> SSHClient {
        var credentials = SSHCredentials(privateKeyPath: key, useAgent: false)
        if let passphrase { credentials.passphrase = { @Sendable _ in passphrase } }
        return try await SSHClient.connect(
            to: SSHEndpoint(host: server.host, port: server.port, user: "root"),
            credentials: credentials,
            hostKeys: HostKeyPolicy(knownHostsPath: knownHosts ?? server.knownHostsPath, acceptNew: acceptNew),
            timeouts: timeouts)
    }

    private func expectError(_ operation: () async throws -> Void, matches check: (SSHError) -> Bool) async {
        do {
            try await operation()
            Issue.record("expected an SSH error")
        } catch let error as SSHError {
            #expect(check(error), "\(error)")
        } catch {
            Issue.record("not an SSHError: \(error)")
        }
    }

    @Test func runsCommandsWithOutputErrorsAndExitStatus() async throws {
        let server = try await SSHServerProcess()
        let client = try await connect(server, key: try await server.makeClientKey())
        let result = try await client.run("echo out; echo err >&2; exit 3")
        #expect(result.output == "out\n")
        #expect(result.errorOutput == "err\n")
        #expect(result.exitStatus == 3)
        // One connection carries many commands.
        #expect(try await client.run("true").exitStatus == 0)
        await client.close()
    }

    @Test func standardInputTravelsWhole() async throws {
        let server = try await SSHServerProcess()
        let client = try await connect(server, key: try await server.makeClientKey())
        let payload = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let result = try await client.run("sha256sum", stdin: payload)
        let local = try await localSHA256(payload, in: server.directory)
        #expect(result.output.prefix(64) == local.prefix(64))
        // A large output while stdin is still being sent must not deadlock.
        let echoed = try await client.run("cat", stdin: payload)
        #expect(echoed.stdout == payload)
    }

    private func localSHA256(_ bytes: [UInt8], in directory: URL) async throws -> String {
        let file = directory.appendingPathComponent("payload")
        try Data(bytes).write(to: file)
        return try await ProcessRunner.run("sha256sum", [file.path]).stdout
    }

    @Test func anUnknownHostKeyIsRefusedUnlessAcceptNewThenRemembered() async throws {
        let server = try await SSHServerProcess()
        let key = try await server.makeClientKey()
        let knownHosts = server.directory.appendingPathComponent("fresh_known_hosts").path
        await expectError({ _ = try await connect(server, key: key, knownHosts: knownHosts) }) {
            if case .hostKeyUnknown(_, let fingerprint, _) = $0 { return fingerprint.hasPrefix("SHA256:") }
            return false
        }
        #expect(!FileManager.default.fileExists(atPath: knownHosts))
        let client = try await connect(server, key: key, knownHosts: knownHosts, acceptNew: true)
        await client.close()
        let recorded = try String(contentsOfFile: knownHosts, encoding: .utf8)
        #expect(recorded.hasPrefix("[127.0.0.1]:\(server.port) ssh-ed25519 "))
        // Now known: a strict connection works, and ssh-keygen agrees with the fingerprint.
        let again = try await connect(server, key: key, knownHosts: knownHosts)
        await again.close()
        let fingerprint = try await ProcessRunner.run("ssh-keygen", ["-lf", server.hostPublicKeyPath]).stdout
        await expectError({ _ = try await connect(server, key: key, knownHosts: server.directory.appendingPathComponent("other").path) }) {
            if case .hostKeyUnknown(_, let seen, _) = $0 { return fingerprint.contains(seen) }
            return false
        }
    }

    @Test func aChangedHostKeyIsRefused() async throws {
        let server = try await SSHServerProcess()
        let key = try await server.makeClientKey()
        let impostor = try await server.makeClientKey(authorize: false)
        let impostorKey = try String(contentsOfFile: impostor + ".pub", encoding: .utf8).split(separator: " ")
        let knownHosts = server.directory.appendingPathComponent("wrong_known_hosts").path
        try "[127.0.0.1]:\(server.port) \(impostorKey[0]) \(impostorKey[1])\n".write(toFile: knownHosts, atomically: true, encoding: .utf8)
        await expectError({ _ = try await connect(server, key: key, knownHosts: knownHosts, acceptNew: true) }) {
            if case .hostKeyMismatch = $0 { return $0.description.contains("HOST KEY MISMATCH") }
            return false
        }
    }

    @Test func aKeyTheHostDoesNotKnowFailsAuthentication() async throws {
        let server = try await SSHServerProcess()
        let stranger = try await server.makeClientKey(authorize: false)
        await expectError({ _ = try await connect(server, key: stranger) }) {
            if case .authenticationFailed(_, let tried) = $0 { return tried == [stranger] }
            return false
        }
    }

    @Test func anRSAKeyGetsTheSHA1Explanation() async throws {
        let server = try await SSHServerProcess()
        let rsa = try await server.makeClientKey(type: "rsa")
        await expectError({ _ = try await connect(server, key: rsa) }) {
            if case .rsaSignatureRefused = $0 { return $0.description.contains("ed25519") }
            return false
        }
    }

    @Test func anEncryptedKeyNeedsItsPassphrase() async throws {
        let server = try await SSHServerProcess()
        let key = try await server.makeClientKey(passphrase: "testbed-pass")
        await expectError({ _ = try await connect(server, key: key) }) {
            if case .passphraseRequired = $0 { return true }
            return false
        }
        let client = try await connect(server, key: key, passphrase: "testbed-pass")
        #expect(try await client.run("echo ok").output == "ok\n")
        await expectError({ _ = try await connect(server, key: key, passphrase: "wrong") }) { _ in true }
    }

    @Test func aSlowCommandTimesOutAndTheConnectionIsDropped() async throws {
        let server = try await SSHServerProcess()
        let client = try await connect(server, key: try await server.makeClientKey())
        await expectError({ _ = try await client.run("sleep 5", timeout: .milliseconds(300)) }) {
            if case .timedOut(_, let what, _) = $0 { return what.contains("sleep 5") }
            return false
        }
        await expectError({ _ = try await client.run("true") }) {
            if case .disconnected = $0 { return true }
            return false
        }
    }

    @Test func aClosedPortAndAnUnknownNameAreNamed() async throws {
        let server = try await SSHServerProcess()
        let key = try await server.makeClientKey()
        server.stop()
        await expectError({ _ = try await connect(server, key: key) }) {
            if case .connectFailed(let endpoint, _) = $0 { return endpoint.port == server.port }
            return false
        }
        await expectError({
            _ = try await SSHClient.connect(
                to: SSHEndpoint(host: "no-such-host.invalid"), credentials: SSHCredentials(privateKeyPath: key),
                hostKeys: HostKeyPolicy(knownHostsPath: server.knownHostsPath))
        }) {
            if case .unresolvable = $0 { return true }
            return false
        }
    }
}

/// Login through a real ssh-agent holding the key (no key file given).
@Suite(.serialized) struct SSHAgentTests {
    @Test func logsInWithAnAgentIdentity() async throws {
        let server = try await SSHServerProcess()
        let key = try await server.makeClientKey()
        let socket = server.directory.appendingPathComponent("agent.sock").path
        // -D: the agent stays a child of ours, so it is stopped by pid.
        let agent = try ChildProcess.spawn("ssh-agent", ["-D", "-a", socket]).process
        defer { agent.signal(SIGTERM); agent.waitUntilExit() }
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: socket) { try await Task.sleep(for: .milliseconds(10)) }
        let added = try await ProcessRunner.run("ssh-add", [key], environment: ["SSH_AUTH_SOCK": socket])
        #expect(added.exitCode == 0, "\(added.stderr)")
        let client = try await SSHClient.connect(
            to: SSHEndpoint(host: server.host, port: server.port, user: "root"),
            credentials: SSHCredentials(privateKeyPath: nil, useAgent: true, agentSocket: socket),
            hostKeys: HostKeyPolicy(knownHostsPath: server.knownHostsPath))
        #expect(try await client.run("echo agent").output == "agent\n")
        await client.close()
    }
}
