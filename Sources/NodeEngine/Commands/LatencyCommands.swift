/// LATENCY LATEST, HISTORY, RESET, GRAPH, DOCTOR and HISTOGRAM (latency.c).
enum LatencyCommands {
    static let all: [(String, CommandHandler)] = [
        ("latency|latest", latest), ("latency|history", history), ("latency|reset", reset), ("latency|graph", graph),
        ("latency|doctor", doctor), ("latency|histogram", histogram),
    ]

    static func latest(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        c.reply.array(e.latency.names.count)
        for name in e.latency.names {
            let series = e.latency.series[name]!
            c.reply.array(4)
            c.reply.bulk(name)
            c.reply.integer(series.latest?.time ?? 0)
            c.reply.integer(series.latest?.latency ?? 0)
            c.reply.integer(series.worst)
        }
    }

    static func history(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let samples = e.latency.series[a.string(2)]?.inOrder ?? []
        c.reply.array(samples.count)
        for sample in samples {
            c.reply.array(2)
            c.reply.integer(sample.time)
            c.reply.integer(sample.latency)
        }
    }

    static func reset(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard a.count > 2 else { return c.reply.integer(e.latency.reset()) }
        c.reply.integer((2..<a.count).reduce(0) { $0 + e.latency.reset(a.string($1)) })
    }

    /// latencyCommandGenSparkeline: each sample labelled with how long ago it was.
    static func graph(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let event = a.string(2)
        guard let series = e.latency.series[event] else {
            return e.fail(c, "ERR No samples available for event '\(event)'")
        }
        let now = e.now / 1000
        var line = Sparkline()
        for sample in series.inOrder {
            let elapsed = now - sample.time
            let label = elapsed < 60 ? "\(elapsed)s" : elapsed < 3600 ? "\(elapsed / 60)m" : elapsed < 86400 ? "\(elapsed / 3600)h" : "\(elapsed / 86400)d"
            line.add(Double(sample.latency), label: label)
        }
        let latencies = series.samples.map(\.latency)
        var text = "\(event) - high \(latencies.max() ?? 0) ms, low \(latencies.min() ?? 0) ms (all time high \(series.worst) ms)\n"
        text += String(repeating: "-", count: 80) + "\n"
        text += line.render(columns: 80, rows: 4, fill: true)
        c.reply.verbatim(text)
    }

    static func doctor(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        c.reply.verbatim(LatencyReport.text(e))
    }

    /// LATENCY HISTOGRAM [command ...]: a container names its subcommands.
    static func histogram(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        var entries: [CommandEntry] = []
        if a.count == 2 {
            entries = e.commands.entries
        } else {
            for index in 2..<a.count {
                guard let entry = e.commands.entry(named: a.lowercased(index)) else { continue }
                for candidate in [entry] + entry.subcommands.values.sorted(by: { $0.name < $1.name })
                where !entries.contains(where: { $0 === candidate }) {
                    entries.append(candidate)
                }
            }
        }
        let measured = entries.filter { e.stats.latencyCalls(of: $0.statsIndex) > 0 }
        c.reply.map(measured.count)
        for entry in measured {
            c.reply.bulk(entry.name)
            let buckets = e.stats.latencyBuckets(of: entry.statsIndex)
            c.reply.map(2)
            c.reply.bulk("calls")
            c.reply.integer(buckets.reduce(0, +))
            c.reply.bulk("histogram_usec")
            var cumulative: Int64 = 0
            var points: [(Int64, Int64)] = []
            for (bucket, count) in buckets.enumerated() where count > 0 {
                cumulative += count
                points.append((ServerStats.latencyBucketLimit(bucket), cumulative))
            }
            c.reply.map(points.count)
            for (limit, count) in points {
                c.reply.integer(limit)
                c.reply.integer(count)
            }
        }
    }
}

extension ServerStats {
    func latencyBuckets(of command: Int) -> ArraySlice<Int64> {
        commandHistograms[(command * Self.latencyBuckets)..<((command + 1) * Self.latencyBuckets)]
    }

    func latencyCalls(of command: Int) -> Int64 { latencyBuckets(of: command).reduce(0, +) }
}
