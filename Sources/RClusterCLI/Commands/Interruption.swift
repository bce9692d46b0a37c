import ClusterAdmin
import Dispatch
import Foundation

/// Ctrl-C during a move. The first asks it to stop at its next window
/// boundary: every slot in flight is finished and closed, so the cluster is
/// left consistent and a later run continues. A second exits at once and says
/// how to finish what it leaves open.
final class Interruption {
    let stop = StopRequest()
    private let source: any DispatchSourceSignal

    /// `second`: what is left open after a second Ctrl-C, and how to finish it.
    init(second: String, first: String = "Ctrl-C: finishing the slots in flight, then stopping (Ctrl-C again stops at once).") {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: DispatchQueue(label: "rcluster.interruption"))
        source.setEventHandler { [stop] in
            if stop.request() == 1 {
                FileHandle.standardError.write(Data("\n\(first)\n".utf8))
            } else {
                FileHandle.standardError.write(Data("\n\(second)\n".utf8))
                exit(130)
            }
        }
        source.resume()
    }

    func remove() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
