import Foundation
import Testing
import TestSupport

@Suite struct CallAndAuthTests {
    @Test func callRunsOnEveryNodeLikeTheReference() async throws {
        try await RedisTestCluster.withNodes(6) { cluster in
            try await cluster.createWithReferenceCLI(replicas: 1)
            try await cluster.fill(keys: 100)
            let entry = "\(cluster.addresses[0])"
            // Masters only: replicas fill in their own time (first sync ~5 s after create).
            let ours = try await RClusterBinary.run(["call", entry, "DBSIZE", "--only-masters"])
            #expect(ours.exitCode == 0)
            let reference = try await RClusterBinary.reference(["call", entry, "DBSIZE", "--cluster-only-masters"])
            #expect(Set(ours.stdout.lines) == Set(reference.stdout.lines))
            let everyone = try await RClusterBinary.run(["call", entry, "DBSIZE"])
            #expect(everyone.stdout.lines.count == 7)
            let masterIDs = Set(try await cluster.masters().map(\.id))
            let masters = try await RClusterBinary.run(["call", entry, "CLUSTER", "MYID", "--only-masters"])
            let printed = masters.stdout.lines.dropFirst().compactMap { $0.split(separator: " ").last.map(String.init) }
            #expect(Set(printed) == masterIDs)
            #expect(printed.count == 3)
            let replicas = try await RClusterBinary.run(["call", entry, "--only-replicas", "--", "CONFIG", "GET", "cluster-node-timeout"])
            #expect(replicas.stdout.lines.filter { $0.hasSuffix(": cluster-node-timeout") }.count == 3)
            let typo = try await RClusterBinary.run(["call", entry, "DBSIZE", "--only-master"])
            #expect(typo.exitCode != 0)
            #expect(typo.stderr.contains("'--only-master' is not an rcluster option"))
            let failing = try await RClusterBinary.run(["call", entry, "NOSUCHCOMMAND"])
            #expect(failing.exitCode == 1)
            #expect(failing.stdout.contains("Failed! ERR unknown command"))
        }
    }

    @Test func passwordFromEnvironmentFlagAndPrompt() async throws {
        let password = "cluster-pw-1"
        try await RedisTestCluster.withNodes(6, extraArguments: ["--requirepass", password, "--masterauth", password]) { cluster in
            try await cluster.createWithReferenceCLI(replicas: 1, password: password)
            let entry = "\(cluster.addresses[0])"

            let withEnv = try await RClusterBinary.run(["check", entry], environment: ["REDISCLI_AUTH": password])
            #expect(withEnv.exitCode == 0, "\(withEnv.stdout)\(withEnv.stderr)")
            #expect(!withEnv.stderr.contains("Warning"))

            let withFlag = try await RClusterBinary.run(["info", entry, "-a", password])
            #expect(withFlag.exitCode == 0)
            #expect(withFlag.stderr.contains("may not be safe"))
            #expect(try await RClusterBinary.run(["info", entry, "-a", password, "--no-auth-warning"]).stderr.isEmpty)

            let without = try await RClusterBinary.run(["check", entry])
            #expect(without.exitCode == 1)
            #expect(without.stderr.contains("NOAUTH"))
            #expect(without.stderr.contains("REDISCLI_AUTH"))

            let wrong = try await RClusterBinary.run(["check", entry], environment: ["REDISCLI_AUTH": "nope"])
            #expect(wrong.exitCode == 1)
            #expect(wrong.stderr.contains("authentication failed"))

            // --askpass without a terminal must refuse rather than hang or guess.
            let askpass = try await RClusterBinary.run(["check", entry, "--askpass"])
            #expect(askpass.exitCode != 0)
            #expect(askpass.stderr.contains("terminal"))
        }
    }

    @Test func ipv6AndHostnameEntryNodes() async throws {
        try await RedisTestCluster.withNodes(3, extraArguments: ["--bind", "127.0.0.1", "::1"]) { cluster in
            try await cluster.createWithReferenceCLI(replicas: 0)
            let port = cluster.addresses[0].port
            for entry in ["[::1]:\(port)", "::1:\(port)", "localhost:\(port)"] {
                let result = try await RClusterBinary.run(["check", entry])
                #expect(result.exitCode == 0, "\(entry): \(result.stdout)\(result.stderr)")
                #expect(result.stdout.contains("[OK] All 16384 slots covered."))
            }
        }
    }
}
