import ClusterModel
import Testing
import TestSupport

/// Versions and features read from INFO server as real servers print it
/// (Tests/Fixtures/info, captured from each server of the test matrix).
@Suite struct ServerVersionTests {
    private func version(_ fixture: String) throws -> ServerVersion {
        var fields: [String: String] = [:]
        for line in try Fixtures.text("info/\(fixture)").split(separator: "\n") where !line.hasPrefix("#") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = String(line[line.index(after: colon)...])
        }
        return try #require(ServerVersion(info: fields))
    }

    @Test func eachServerOfTheMatrixIsRecognised() throws {
        #expect(try version("redis-7.0.15-server.txt") == ServerVersion(.redis, 7, 0, 15))
        #expect(try version("redis-6.2.14-server.txt") == ServerVersion(.redis, 6, 2, 14))
        // Valkey also says redis_version:7.2.4; its own version wins.
        #expect(try version("valkey-9.1.2-server.txt") == ServerVersion(.valkey, 9, 1, 2))
        #expect(try version("valkey-9.1.2-server.txt").description == "Valkey 9.1.2")
    }

    @Test func featuresFollowTheFirstReleaseOfEachProduct() throws {
        let redis62 = try version("redis-6.2.14-server.txt"), redis70 = try version("redis-7.0.15-server.txt")
        let valkey = try version("valkey-9.1.2-server.txt")
        for feature in [ServerFeature.addSlotsRange, .functions, .clusterShards, .rdbOnlySync, .announcedHostnames] {
            #expect(!redis62.supports(feature))
            #expect(redis70.supports(feature))
            #expect(valkey.supports(feature))
        }
        #expect(!redis70.supports(.atomicSlotMigration))
        #expect(ServerVersion(.redis, 8, 4).supports(.atomicSlotMigration))
        #expect(!ServerVersion(.redis, 8, 2, 1).supports(.atomicSlotMigration))
        #expect(valkey.supports(.atomicSlotMigration))
        #expect(!ServerVersion(.valkey, 8, 1).supports(.atomicSlotMigration))
    }

    @Test func aRefusalNamesTheNodeTheFeatureAndItsFirstRelease() {
        let refusal = ServerVersion(.redis, 6, 0, 8).refusal(.functions, node: "10.0.0.1:7000")
        #expect(refusal == "10.0.0.1:7000 runs Redis 6.0.8, which has no FUNCTION (first in Redis 7.0 / Valkey 7.2)")
        #expect(ServerVersion(.redis, 7, 0, 15).refusal(.functions, node: "x") == nil)
    }

    @Test(arguments: [[:], ["redis_version": "seven"], ["redis_version": "7"], ["server_name": "valkey"]])
    func unreadableVersionsAreNil(_ fields: [String: String]) {
        #expect(ServerVersion(info: fields) == nil)
    }
}
