import Foundation

/// The multi-host testbed of scripts/testbed.sh: network-namespace hosts,
/// each with its own sshd and Docker daemon, plus one host with sshd but no
/// Docker. Brought up once per test process; `make test` takes it down.
public struct Testbed: Sendable {
    public let directory: String
    public let hosts: [String]
    public let namespaces: [String]
    public let dockerless: String
    public let key: String
    public let knownHosts: String
    /// The image of Debian's redis-server 7.0; `images` has one per server of TESTBED_SERVERS.
    public let image: String
    public let images: [String]
    public let dockerSockets: [String]

    private static let shared = Task { try await bringUp() }

    public static func up() async throws -> Testbed { try await shared.value }

    private static func bringUp() async throws -> Testbed {
        let script = Fixtures.repositoryRoot + "/scripts/testbed.sh"
        // Images of Debian's redis-server and of the matrix's Redis 6.2.
        let servers = ["/usr/bin/redis-server", try TestServer.redis62.path()].joined(separator: " ")
        let result = try await ProcessRunner.run(script, ["up"], environment: ["TESTBED_DOCKERLESS_HOSTS": "1", "TESTBED_SERVERS": servers])
        guard result.exitCode == 0 else {
            throw TestSupportError("scripts/testbed.sh up failed (it needs root, docker.io, openssh-server): \(result.stderr)")
        }
        let directory = ProcessInfo.processInfo.environment["RCLUSTER_TESTBED_DIR"] ?? "/tmp/rcluster-testbed"
        var env: [String: String] = [:]
        for line in try String(contentsOfFile: directory + "/testbed.env", encoding: .utf8).split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            env[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        let hosts = (env["TESTBED_HOSTS"] ?? "").split(separator: " ").map(String.init)
        return Testbed(
            directory: directory, hosts: hosts,
            namespaces: (env["TESTBED_NAMESPACES"] ?? "").split(separator: " ").map(String.init),
            dockerless: env["TESTBED_DOCKERLESS"] ?? "",
            key: env["TESTBED_KEY"] ?? "", knownHosts: env["TESTBED_KNOWN_HOSTS"] ?? "", image: env["TESTBED_IMAGE"] ?? "",
            images: (env["TESTBED_IMAGES"] ?? "").split(separator: " ").map(String.init),
            dockerSockets: hosts.indices.map { env["TESTBED_DOCKER_SOCK_\($0 + 1)"] ?? "" })
    }

    /// `docker` against host `index`'s own daemon (0-based).
    public func docker(_ index: Int, _ arguments: [String]) async throws -> ProcessResult {
        try await ProcessRunner.run("docker", ["-H", "unix://" + dockerSockets[index]] + arguments)
    }

    /// A command inside host `index`'s network namespace.
    public func inHost(_ index: Int, _ command: [String]) async throws -> ProcessResult {
        try await ProcessRunner.run("nsenter", ["--net=/var/run/netns/\(namespaces[index])"] + command)
    }
}
