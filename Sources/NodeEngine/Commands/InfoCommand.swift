#if canImport(Glibc)
import Glibc
#endif

/// INFO with the sections and fields clients and exporters read.
enum InfoCommand {
    static let defaultSections = ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules",
                                  "errorstats", "cluster", "keyspace"]
    static let allSections = ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules",
                              "commandstats", "errorstats", "cluster", "keyspace"]

    static func info(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        var wanted: [String] = []
        for index in 1..<max(1, a.count) {
            switch a.lowercased(index) {
            case "default": wanted += defaultSections
            case "all", "everything": wanted += allSections
            case let name: wanted.append(name)
            }
        }
        if wanted.isEmpty { wanted = defaultSections }
        var seen: Set<String> = []
        let sections = allSections.filter { wanted.contains($0) && seen.insert($0).inserted }
        let text = sections.map { section(e, $0) }.joined(separator: "\r\n")
        c.reply.verbatim(text)
    }

    static func section(_ e: NodeEngine, _ name: String) -> String {
        var lines: [String]
        let now = e.now
        switch name {
        case "server":
            lines = ["# Server", "redis_version:\(EngineVersion.redisVersion)", "redis_git_sha1:00000000", "redis_git_dirty:0",
                     "redis_build_id:rcluster-engine", "redis_mode:\(e.config.bool("cluster-enabled") ? "cluster" : "standalone")",
                     "os:Linux", "arch_bits:64", "monotonic_clock:POSIX clock_gettime", "multiplexing_api:epoll",
                     "atomicvar_api:c11-builtin", "gcc_version:0.0.0", "process_id:\(e.processID)", "process_supervised:no",
                     "run_id:\(e.runID)", "tcp_port:\(e.port)", "server_time_usec:\(e.clock.microseconds())",
                     "uptime_in_seconds:\((now - e.startedAt) / 1000)", "uptime_in_days:\((now - e.startedAt) / 86_400_000)",
                     "hz:\(e.config.integer("hz"))", "configured_hz:\(e.config.integer("hz"))", "lru_clock:\(e.lruClock)",
                     "executable:\(e.executable)", "config_file:\(e.configFile)", "io_threads_active:0"]
        case "clients":
            lines = ["# Clients", "connected_clients:\(e.clients.count)", "cluster_connections:0",
                     "maxclients:\(e.config.integer("maxclients"))", "client_recent_max_input_buffer:0",
                     "client_recent_max_output_buffer:0", "blocked_clients:\(e.stats.blockedClients + Int64(e.postponedClients.count))", "tracking_clients:0", "clients_in_timeout_table:0"]
        case "memory":
            let used = e.usedMemory()
            let rss = e.residentMemory?() ?? used
            let maxmemory = e.config.integer("maxmemory")
            lines = ["# Memory", "used_memory:\(used)", "used_memory_human:\(human(used))", "used_memory_rss:\(rss)",
                     "used_memory_rss_human:\(human(rss))", "used_memory_peak:\(max(used, e.peakMemory))",
                     "used_memory_peak_human:\(human(max(used, e.peakMemory)))", "total_system_memory:\(physicalMemory())"]
                + e.scriptingMemoryInfoLines(human) + [
                     "maxmemory:\(maxmemory)", "maxmemory_human:\(human(maxmemory))",
                     "maxmemory_policy:\(e.config["maxmemory-policy"])",
                     "mem_fragmentation_ratio:\(String(format2: used > 0 ? Double(rss) / Double(used) : 0))",
                     "mem_allocator:libc", "lazyfree_pending_objects:0", "lazyfreed_objects:\(e.stats.lazyfreedObjects)"]
        case "persistence":
            lines = ["# Persistence", "loading:0", "async_loading:0", "rdb_changes_since_last_save:\(e.dirty)",
                     "rdb_bgsave_in_progress:\(e.persistence.background == nil ? 0 : 1)", "rdb_last_save_time:\(e.lastSave / 1000)",
                     "rdb_last_bgsave_status:\(e.persistence.lastBackgroundSaveOK ? "ok" : "err")",
                     "rdb_last_bgsave_time_sec:\(e.persistence.lastBackgroundSaveSeconds)",
                     "rdb_current_bgsave_time_sec:\(e.persistence.background.map { (e.now - $0.startedAt) / 1000 } ?? -1)", "rdb_saves:\(e.persistence.saves)"]
                + e.appendOnlyInfoLines()
        case "stats":
            let s = e.stats
            lines = ["# Stats", "total_connections_received:\(s.connectionsReceived)", "total_commands_processed:\(s.commandsProcessed)",
                     "instantaneous_ops_per_sec:0", "total_net_input_bytes:\(s.netInputBytes)",
                     "total_net_output_bytes:\(s.netOutputBytes)", "rejected_connections:\(s.rejectedConnections)",
                     "sync_full:\(e.replication.syncFull)", "sync_partial_ok:\(e.replication.syncPartialOK)", "sync_partial_err:\(e.replication.syncPartialErr)", "expired_keys:\(s.expiredKeys)",
                     "evicted_keys:\(s.evictedKeys)", "keyspace_hits:\(s.keyspaceHits)", "keyspace_misses:\(s.keyspaceMisses)",
                     "pubsub_channels:\(e.pubsub.channels.count)", "pubsub_patterns:\(e.pubsub.patterns.count)", "latest_fork_usec:0", "total_forks:0", "migrate_cached_sockets:0",
                     "total_error_replies:\(s.errorReplies)", "total_reads_processed:0", "total_writes_processed:0"]
        case "replication":
            lines = e.replicationInfoLines()
        case "cpu":
            var usage = rusage()
            getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
            let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
            let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            lines = ["# CPU", "used_cpu_sys:\(String(format6: system))", "used_cpu_user:\(String(format6: user))",
                     "used_cpu_sys_children:0.000000", "used_cpu_user_children:0.000000"]
        case "modules":
            lines = ["# Modules"]
        case "commandstats":
            lines = ["# Commandstats"]
            for entry in e.commands.entries {
                let index = entry.statsIndex
                let calls = e.stats.commandCalls[index], rejected = e.stats.commandRejections[index]
                let failed = e.stats.commandFailures[index]
                guard calls > 0 || rejected > 0 || failed > 0 else { continue }
                let usec = e.stats.commandMicroseconds[index]
                let perCall = calls > 0 ? Double(usec) / Double(calls) : 0
                lines.append("cmdstat_\(entry.name):calls=\(calls),usec=\(usec),usec_per_call=\(String(format2: perCall)),rejected_calls=\(rejected),failed_calls=\(failed)")
            }
        case "errorstats":
            lines = ["# Errorstats"] + e.stats.errorCodes.sorted { $0.key < $1.key }.map { "errorstat_\($0.key):count=\($0.value)" }
        case "cluster":
            lines = ["# Cluster", "cluster_enabled:\(e.config.bool("cluster-enabled") ? 1 : 0)"]
        case "keyspace":
            lines = ["# Keyspace"]
            for (index, db) in e.databases.enumerated() where db.count > 0 {
                lines.append("db\(index):keys=\(db.count),expires=\(db.expires.count),avg_ttl=0")
            }
        default:
            lines = []
        }
        return lines.isEmpty ? "" : lines.joined(separator: "\r\n") + "\r\n"
    }

    static func human(_ bytes: Int64) -> String {
        let value = Double(bytes)
        if value < 1024 { return "\(bytes)B" }
        if value < 1024 * 1024 { return String(format2: value / 1024) + "K" }
        if value < 1024 * 1024 * 1024 { return String(format2: value / 1024 / 1024) + "M" }
        return String(format2: value / 1024 / 1024 / 1024) + "G"
    }

    static func physicalMemory() -> Int64 {
        Int64(sysconf(Int32(_SC_PHYS_PAGES))) * Int64(sysconf(Int32(_SC_PAGESIZE)))
    }
}
