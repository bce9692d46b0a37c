import Foundation
import Testing
import TestSupport
@testable import Provisioning

/// Keys are made by the real ssh-keygen in a temporary folder, never committed.
@Suite struct SSHKeyFileTests {
    private func makeKey(type: String, passphrase: String, format: [String] = []) async throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rcluster-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("key").path
        let result = try await ProcessRunner.run("ssh-keygen", ["-q", "-t", type, "-N", passphrase, "-f", path, "-C", "test"] + format)
        #expect(result.exitCode == 0, "\(result.stderr)")
        return path
    }

    @Test func readsTheTypeOfAnUnencryptedOpenSSHKey() async throws {
        let path = try await makeKey(type: "ed25519", passphrase: "")
        #expect(SSHKeyFile.inspect(path: path) == SSHKeyFile(keyType: "ssh-ed25519", encrypted: false))
    }

    @Test func seesThatAnOpenSSHKeyIsEncrypted() async throws {
        let path = try await makeKey(type: "ed25519", passphrase: "secret")
        #expect(SSHKeyFile.inspect(path: path) == SSHKeyFile(keyType: "ssh-ed25519", encrypted: true))
    }

    @Test func recognisesRSAInBothFormats() async throws {
        let openSSH = try await makeKey(type: "rsa", passphrase: "")
        #expect(SSHKeyFile.inspect(path: openSSH)?.isRSA == true)
        let pem = try await makeKey(type: "rsa", passphrase: "pw-long", format: ["-m", "PEM"])
        #expect(SSHKeyFile.inspect(path: pem) == SSHKeyFile(keyType: "ssh-rsa", encrypted: true))
    }

    @Test func aMissingFileIsNil() {
        #expect(SSHKeyFile.inspect(path: "/nonexistent/key") == nil)
    }
}
