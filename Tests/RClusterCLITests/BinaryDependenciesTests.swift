import Testing
import TestSupport

/// `rcluster local up` promises a cluster with nothing else installed, scripts
/// included: the Lua interpreter and its libraries are linked into the binary.
@Suite struct BinaryDependenciesTests {
    @Test func luaIsLinkedIntoTheBinary() async throws {
        let ldd = try await ProcessRunner.run("ldd", [RClusterBinary.path])
        #expect(ldd.exitCode == 0, "\(ldd.stderr)")
        let lua = ldd.stdout.split(separator: "\n").filter { $0.contains("lua") }
        #expect(lua.isEmpty, "rcluster needs shared Lua libraries: \(lua)")
    }
}
