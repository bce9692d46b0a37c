/// LATENCY DOCTOR's report (createLatencyReport), in its words, for the
/// events the engine measures: commands, fast commands, the expiry cycle.
enum LatencyReport {
    static func text(_ e: NodeEngine) -> String {
        let monitor = e.latency
        if monitor.names.isEmpty && monitor.threshold == 0 {
            return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n"
        }
        var report = ""
        var advice: Set<Advice> = []
        let now = e.now / 1000
        for (number, event) in monitor.names.enumerated() {
            if number == 0 {
                report += "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n"
            }
            let statistics = monitor.statistics(event, now: now)
            let period = String(format2: Double(statistics.period) / Double(statistics.samples))
            report += "\(number + 1). \(event): \(statistics.samples) latency spikes (average \(statistics.average)ms, mean deviation \(statistics.meanDeviation)ms, period \(period) sec). Worst all time event \(monitor.series[event]!.worst)ms.\n"
            switch event {
            case "command":
                let slowlog = e.config.integer("slowlog-log-slower-than")
                if slowlog < 0 { advice.insert(.enableSlowlog) } else if slowlog / 1000 > monitor.threshold { advice.insert(.tuneSlowlog) }
                advice.formUnion([.inspectSlowlog, .largeObjects])
            case "fast-command": advice.insert(.scheduler)
            case "expire-cycle": advice.formUnion([.hz, .largeObjects])
            case "eviction-del": advice.insert(.largeObjects)
            case "eviction-cycle": advice.insert(.massEviction)
            default: break
            }
        }
        if monitor.names.isEmpty {
            return report + "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n"
        }
        if advice.isEmpty {
            return report + "\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n"
        }
        report += "\nI have a few advices for you:\n\n"
        let threshold = monitor.threshold * 1000
        if advice.contains(.enableSlowlog) {
            report += "- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than \(threshold)'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n"
        }
        if advice.contains(.tuneSlowlog) {
            report += "- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than \(threshold)'.\n"
        }
        if advice.contains(.inspectSlowlog) {
            report += "- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n"
        }
        if advice.contains(.scheduler) {
            report += "- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n"
                + "  1) Lower the system load.\n"
                + "  2) Use a computer / VM just for Redis if you are running other software in the same system.\n"
                + "  3) Check if you have a \"noisy neighbour\" problem.\n"
                + "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n"
                + "  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n"
        }
        if advice.contains(.hz) && e.config.integer("hz") < 100 {
            report += "- In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n"
        }
        if advice.contains(.largeObjects) {
            report += "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n"
        }
        if advice.contains(.massEviction) {
            report += "- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large objects via sets or sorted sets intersections, STORE option of SORT, Redis Cluster large keys migrations (RESTORE command), may create sudden memory pressure forcing the server to block trying to evict keys. \n"
        }
        return report
    }

    private enum Advice { case enableSlowlog, tuneSlowlog, inspectSlowlog, scheduler, hz, largeObjects, massEviction }
}
