/// The latency monitor (latency.c): for each event whose duration reached
/// latency-monitor-threshold, the last 160 samples (one per second, the
/// worst of that second) and the worst ever. Pure: time is passed in.
struct LatencyMonitor {
    static let samplesKept = 160

    struct Sample: Equatable {
        let time: Int64
        var latency: Int64
    }

    struct Series {
        var samples: [Sample] = []
        var next = 0
        var worst: Int64 = 0

        /// The samples oldest first.
        var inOrder: [Sample] {
            samples.count < LatencyMonitor.samplesKept ? samples : Array(samples[next...] + samples[..<next])
        }

        var latest: Sample? { samples.isEmpty ? nil : samples[(next + samples.count - 1) % samples.count] }
    }

    /// latency-monitor-threshold in ms (0: off), and latency-tracking (LATENCY HISTOGRAM).
    var threshold: Int64 = 0
    var tracksCommands = true

    /// latencyAddSampleIfNeeded: a duration reaching the threshold, in ms.
    mutating func addIfNeeded(_ event: String, microseconds: Int64, now: Int64) {
        let milliseconds = microseconds / 1000
        if threshold > 0 && milliseconds >= threshold { add(event, latency: milliseconds, now: now) }
    }

    /// Events in the order first seen.
    private(set) var names: [String] = []
    private(set) var series: [String: Series] = [:]

    /// latencyAddSample.
    mutating func add(_ event: String, latency: Int64, now: Int64) {
        if series[event] == nil {
            names.append(event)
            series[event] = Series()
        }
        var entry = series[event]!
        entry.worst = max(entry.worst, latency)
        if let last = entry.latest, last.time == now {
            let index = (entry.next + entry.samples.count - 1) % entry.samples.count
            entry.samples[index].latency = max(last.latency, latency)
        } else if entry.samples.count < Self.samplesKept {
            entry.samples.append(Sample(time: now, latency: latency))
        } else {
            entry.samples[entry.next] = Sample(time: now, latency: latency)
            entry.next = (entry.next + 1) % Self.samplesKept
        }
        series[event] = entry
    }

    /// latencyResetEvent: every event, or the one named (case-insensitively); how many went.
    mutating func reset(_ event: String? = nil) -> Int {
        let doomed = names.filter { event == nil || $0.lowercased() == event!.lowercased() }
        for name in doomed { series[name] = nil }
        names.removeAll { doomed.contains($0) }
        return doomed.count
    }

    /// analyzeLatencyForEvent: count, average, mean deviation and the seconds the samples span.
    struct Statistics {
        let samples: Int
        let average: Int64
        let meanDeviation: Int64
        let period: Int64
    }

    func statistics(_ event: String, now: Int64) -> Statistics {
        let samples = series[event]?.samples ?? []
        guard !samples.isEmpty else { return Statistics(samples: 0, average: 0, meanDeviation: 0, period: 0) }
        let average = samples.reduce(0) { $0 + $1.latency } / Int64(samples.count)
        let deviation = samples.reduce(0) { $0 + abs(average - $1.latency) } / Int64(samples.count)
        let oldest = samples.map(\.time).min()!
        return Statistics(samples: samples.count, average: average, meanDeviation: deviation, period: max(1, now - oldest))
    }
}
