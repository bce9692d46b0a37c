import Foundation
import ProcessSignals
import Synchronization
import Testing

/// SIGUSR2 stands in for SIGINT/SIGTERM: nothing else in the test process
/// handles it, and Ctrl-C must stay the test runner's.
@Suite(.serialized) struct SignalWatcherTests {
    final class Seen: Sendable {
        let count = Atomic<Int>(0)
        func wait(for expected: Int) async throws {
            for _ in 0..<500 where count.load(ordering: .acquiring) < expected {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
    }

    /// The signal arrives the instant the watcher exists, as a Ctrl-C sent the
    /// moment a command prints that it started: it must not be lost.
    @Test func aSignalSentRightAfterInstallingIsDelivered() async throws {
        for _ in 0..<20 {
            let seen = Seen()
            let watcher = SignalWatcher([SIGUSR2]) { number in
                #expect(number == SIGUSR2)
                seen.count.add(1, ordering: .releasing)
            }
            kill(getpid(), SIGUSR2)
            try await seen.wait(for: 1)
            #expect(seen.count.load(ordering: .acquiring) == 1)
            watcher.cancel()
        }
    }

    @Test func everySignalIsDeliveredOnceAndCancelRestoresTheDefault() async throws {
        let seen = Seen()
        let watcher = SignalWatcher([SIGUSR2]) { _ in seen.count.add(1, ordering: .releasing) }
        for sent in 1...50 {
            kill(getpid(), SIGUSR2)
            try await seen.wait(for: sent)
        }
        #expect(seen.count.load(ordering: .acquiring) == 50)
        watcher.cancel()
        var current = sigaction()
        sigaction(SIGUSR2, nil, &current)
        #expect(unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_DFL, to: Int.self))
    }
}
