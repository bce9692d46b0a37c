@testable import NodeEngine
import Testing

/// Loading redis.conf text as redis-server loads it: save lines add up,
/// include reads another file at its place, old directives are read and
/// ignored, a multi-word directive given as one word is split again.
@Suite struct ConfigLoadingTests {
    @Test func saveLinesAddUpAfterTheFirstReplacesTheDefaults() throws {
        var config = ServerConfig()
        try config.load(fileText: "save 900 1\nsave 300 10\n", commandLine: ["--save", "60 10000"], fileName: "test")
        #expect(config["save"] == "900 1 300 10 60 10000")
        var empty = ServerConfig()
        try empty.load(fileText: "save \"\"\nsave 60 1\n", commandLine: [], fileName: "test")
        #expect(empty["save"] == "60 1")
    }

    @Test func includeReadsTheFileAtItsPlace() throws {
        var config = ServerConfig()
        let environment = ConfigLoadEnvironment(readFile: { path in
            path == "/etc/extra.conf" ? .success("maxmemory 2mb\nhz 20\n") : .failure(ConfigFileError(path: path, reason: "No such file or directory"))
        })
        try config.load(fileText: "hz 5\ninclude /etc/extra.conf\nmaxmemory-policy allkeys-lru\n", commandLine: [], fileName: "test",
                        environment: environment)
        #expect(config["maxmemory"] == "2097152" && config["hz"] == "20" && config["maxmemory-policy"] == "allkeys-lru")
        var missing = ServerConfig()
        #expect(throws: ConfigError.self) {
            try missing.load(fileText: "include /etc/none.conf\n", commandLine: [], fileName: "test", environment: environment)
        }
    }

    @Test func deprecatedAndModuleLinesAndValuesOfEachKindReadAsRedisServerReadsThem() throws {
        var config = ServerConfig()
        let text = """
            list-max-ziplist-entries 512
            lua-replicate-commands yes
            slaveof 10.0.0.1 6380
            client-output-buffer-limit replica 1gb 512mb 30
            notify-keyspace-events KEA
            oom-score-adj relative
            shutdown-on-sigterm "now save"
            unixsocketperm 700
            maxmemory-clients 5%
            hash-max-ziplist-value 1kb
            hz 1000
            """
        try config.load(fileText: text, commandLine: [], fileName: "test")
        #expect(config["replicaof"] == "10.0.0.1 6380" && config["slaveof"] == "10.0.0.1 6380")
        #expect(config["client-output-buffer-limit"] == "normal 0 0 0 slave 1073741824 536870912 30 pubsub 33554432 8388608 60")
        #expect(config["notify-keyspace-events"] == "AKE")
        #expect(config["oom-score-adj"] == "yes")
        #expect(config["shutdown-on-sigterm"] == "save now")
        #expect(config["unixsocketperm"] == "700")
        #expect(config["maxmemory-clients"] == "5%")
        #expect(config["hash-max-listpack-value"] == "1024")
        #expect(config["hz"] == "500")
    }

    @Test func errorsAfterTheLastLineNameNoLine() {
        var config = ServerConfig()
        do {
            try config.load(fileText: "cluster-enabled yes\nreplicaof 10.0.0.1 6379\n", commandLine: [], fileName: "test")
            Issue.record("loaded")
        } catch {
            #expect(error.line == nil)
            #expect(error.description == "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nreplicaof directive not allowed in cluster mode")
        }
    }
}
