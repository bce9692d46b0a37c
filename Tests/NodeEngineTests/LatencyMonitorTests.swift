@testable import NodeEngine
import Testing

/// The latency monitor's bookkeeping and LATENCY GRAPH's sparkline, checked
/// against what redis-server 7.0.15 keeps and draws for the same samples.
@Suite struct LatencyMonitorTests {
    @Test func samplesOfOneSecondMergeAndTheRingKeeps160() {
        var monitor = LatencyMonitor()
        monitor.add("command", latency: 300, now: 100)
        monitor.add("command", latency: 250, now: 100)
        monitor.add("command", latency: 400, now: 100)
        #expect(monitor.series["command"]?.inOrder == [.init(time: 100, latency: 400)])
        for second in Int64(101)..<400 { monitor.add("command", latency: second, now: second) }
        let kept = monitor.series["command"]!.inOrder
        #expect(kept.count == 160)
        #expect(kept.first?.time == 240 && kept.last?.time == 399)
        #expect(monitor.series["command"]!.worst == 400)
        monitor.add("expire-cycle", latency: 5, now: 400)
        #expect(monitor.names == ["command", "expire-cycle"])
        #expect(monitor.reset("COMMAND") == 1)
        #expect(monitor.reset("nosuch") == 0)
        #expect(monitor.reset() == 1)
        #expect(monitor.names.isEmpty)
    }

    @Test func onlyDurationsReachingTheThresholdAreKept() {
        var monitor = LatencyMonitor()
        monitor.addIfNeeded("command", microseconds: 900_000, now: 1)
        #expect(monitor.names.isEmpty)
        monitor.threshold = 100
        monitor.addIfNeeded("command", microseconds: 99_999, now: 1)
        monitor.addIfNeeded("command", microseconds: 100_000, now: 2)
        #expect(monitor.series["command"]?.inOrder == [.init(time: 2, latency: 100)])
    }

    /// redis-server's LATENCY GRAPH body for samples of 300 ms (1 s ago) and 250 ms (now).
    @Test func sparklineDrawsAsRedisServerDraws() {
        var line = Sparkline()
        line.add(300, label: "1s")
        line.add(250, label: "0s")
        #expect(line.render(columns: 80, rows: 4, fill: true) == "# \n| \n| \n|_\n  \n10\nss\n")
        var flat = Sparkline()
        flat.add(304, label: "0s")
        #expect(flat.render(columns: 80, rows: 4, fill: true) == " \n \n \n_\n \n0\ns\n")
    }
}

/// CLIENT LIST's rbs and rbp as clientsCronResizeOutputBuffer moves them:
/// an idle client's buffer shrinks to 1 KB, a busy one's grows back to 16 KB.
@Suite struct ReplyBufferSizingTests {
    @Test func idleBuffersShrinkAndBusyOnesGrowBack() {
        var sizing = ReplyBufferSizing(now: 0)
        var now: Int64 = 0
        for _ in 0..<20 {
            now += 100
            sizing.resize(now: now, peakResetTime: 100, enabled: true)
        }
        #expect(sizing.size == 1024)
        for _ in 0..<20 {
            sizing.wrote(32 * 1024)
            now += 100
            sizing.resize(now: now, peakResetTime: -1, enabled: true)
        }
        #expect(sizing.size == 16384)
        sizing.resize(now: now + 100, peakResetTime: 100, enabled: false)
        #expect(sizing.size == 16384)
    }
}
