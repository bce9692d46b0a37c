import ClusterAdmin
import Foundation
import ProcessSignals

/// Ctrl-C during a move. The first asks it to stop at its next window
/// boundary: every slot in flight is finished and closed, so the cluster is
/// left consistent and a later run continues. A second exits at once and says
/// how to finish what it leaves open.
final class Interruption {
    let stop = StopRequest()
    private let watcher: SignalWatcher

    /// `second`: what is left open after a second Ctrl-C, and how to finish it.
    init(second: String, first: String = "Ctrl-C: finishing the slots in flight, then stopping (Ctrl-C again stops at once).") {
        watcher = SignalWatcher([SIGINT]) { [stop] _ in
            if stop.request() == 1 {
                FileHandle.standardError.write(Data("\n\(first)\n".utf8))
            } else {
                FileHandle.standardError.write(Data("\n\(second)\n".utf8))
                exit(130)
            }
        }
    }

    func remove() {
        watcher.cancel()
    }
}
