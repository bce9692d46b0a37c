import Foundation

/// A real OpenSSH sshd on a loopback port, for SSH client tests that need no
/// Docker: its own host key, an authorized_keys file with test keys made by
/// ssh-keygen, and a known_hosts file that trusts it. Everything lives in a
/// temporary "rcluster-test-" folder so the test sweep can clean up.
public final class SSHServerProcess: @unchecked Sendable {
    public let port: Int
    public let host = "127.0.0.1"
    public let directory: URL

    public var knownHostsPath: String { directory.appendingPathComponent("known_hosts").path }
    public var hostPublicKeyPath: String { directory.appendingPathComponent("host_ed25519.pub").path }

    public init() async throws {
        port = PortAllocator.allocate()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rcluster-test-sshd-\(port)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try await Self.keygen("ed25519", "", directory.appendingPathComponent("host_ed25519").path)
        try "".write(to: directory.appendingPathComponent("authorized_keys"), atomically: true, encoding: .utf8)
        let config = """
            Port \(port)
            ListenAddress \(host)
            HostKey \(directory.path)/host_ed25519
            PidFile \(directory.path)/sshd.pid
            AuthorizedKeysFile \(directory.path)/authorized_keys
            PermitRootLogin prohibit-password
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            StrictModes no
            LogLevel VERBOSE
            """
        try config.write(to: directory.appendingPathComponent("sshd_config"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        // sshd daemonizes and the launcher returns at once: a Foundation Process
        // that stays alive and forks per connection deadlocks Foundation's
        // child reaping (seen here), so the daemon is stopped by its pid file.
        let started = try await ProcessRunner.run("/usr/sbin/sshd", ["-f", directory.appendingPathComponent("sshd_config").path,
                                                                     "-E", directory.appendingPathComponent("sshd.log").path])
        guard started.exitCode == 0 else { throw TestSupportError("sshd did not start: \(started.stderr) \(log)") }
        try await waitUntilListening()
        let publicKey = try String(contentsOfFile: hostPublicKeyPath, encoding: .utf8).split(separator: " ")
        try "[\(host)]:\(port) \(publicKey[0]) \(publicKey[1])\n".write(toFile: knownHostsPath, atomically: true, encoding: .utf8)
    }

    /// Makes a client key with ssh-keygen; authorizes it unless told not to.
    public func makeClientKey(type: String = "ed25519", passphrase: String = "", authorize: Bool = true) async throws -> String {
        let path = directory.appendingPathComponent("client_\(type)_\(UUID().uuidString.prefix(6))").path
        try await Self.keygen(type, passphrase, path)
        if authorize {
            let publicKey = try String(contentsOfFile: path + ".pub", encoding: .utf8)
            let handle = try FileHandle(forWritingTo: directory.appendingPathComponent("authorized_keys"))
            handle.seekToEndOfFile()
            handle.write(Data(publicKey.utf8))
            try handle.close()
        }
        return path
    }

    /// Stops sshd and waits until its port refuses connections (a closed-port
    /// test must not race the daemon's exit).
    public func stop() {
        guard let text = try? String(contentsOfFile: directory.appendingPathComponent("sshd.pid").path, encoding: .utf8),
              let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return }
        kill(pid, SIGTERM)
        try? FileManager.default.removeItem(at: directory.appendingPathComponent("sshd.pid"))
        for _ in 0..<500 where isListening() { usleep(10_000) }
    }

    deinit { stop() }

    public var log: String { (try? String(contentsOf: directory.appendingPathComponent("sshd.log"), encoding: .utf8)) ?? "" }

    private func waitUntilListening() async throws {
        for _ in 0..<200 {
            if isListening() { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw TestSupportError("sshd on \(host):\(port) did not listen within 5 s: \(log)")
    }

    private func isListening() -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    private static func keygen(_ type: String, _ passphrase: String, _ path: String) async throws {
        let result = try await ProcessRunner.run("ssh-keygen", ["-q", "-t", type, "-N", passphrase, "-f", path, "-C", "rcluster-test"])
        guard result.exitCode == 0 else { throw TestSupportError("ssh-keygen failed: \(result.stderr)") }
    }
}
