import NIOCore
import NodeEngine

/// redis-server's beforeSleep for the AOF: once per event-loop iteration,
/// after every connection's reads of that iteration ran, the AOF buffer is
/// written (and fsynced under appendfsync always), and only then do the
/// replies of those commands leave. SwiftNIO runs tasks queued during an
/// iteration's I/O after that I/O, so one task, queued when the buffer first
/// gets bytes or a reply must wait, does it for every client at once.
/// With the AOF off (or nothing to write) replies go at once, as before.
final class BeforeSleep {
    private let loop: any EventLoop
    private let engine: NodeEngine
    private var waiting: [() -> Void] = []
    private var scheduled = false

    init(loop: any EventLoop, engine: NodeEngine) {
        self.loop = loop
        self.engine = engine
    }

    /// Replies must wait for the AOF's write: callers then hand them to
    /// `afterAppendOnlyWrite`, else send them at once (no closure then).
    var holdsReplies: Bool { scheduled || engine.appendOnlyPending }

    /// `send` (a flush of replies) once what they report is in the AOF.
    func afterAppendOnlyWrite(_ send: @escaping () -> Void) {
        guard holdsReplies else { return send() }
        waiting.append(send)
        schedule()
    }

    /// The buffer got bytes: write them in this iteration.
    func schedule() {
        guard !scheduled else { return }
        scheduled = true
        loop.execute { [self] in run() }
    }

    private func run() {
        scheduled = false
        engine.appendOnlyBeforeSleep()
        let sends = waiting
        waiting.removeAll(keepingCapacity: true)
        for send in sends { send() }
    }
}
