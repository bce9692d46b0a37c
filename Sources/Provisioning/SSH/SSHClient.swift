import Dispatch
import Foundation

/// An SSH connection to one host for async code. libssh2 calls block on
/// poll, so they run on the client's own serial queue, never on Swift's
/// cooperative threads (two cores would stall on a few slow hosts).
public final class SSHClient: @unchecked Sendable {
    public let endpoint: SSHEndpoint
    private let queue: DispatchQueue
    private let timeouts: SSHTimeouts
    /// Touched only on `queue`.
    private var session: SSHSession?

    private init(endpoint: SSHEndpoint, session: SSHSession, queue: DispatchQueue, timeouts: SSHTimeouts) {
        self.endpoint = endpoint
        self.session = session
        self.queue = queue
        self.timeouts = timeouts
    }

    public static func connect(
        to endpoint: SSHEndpoint,
        credentials: SSHCredentials,
        hostKeys: HostKeyPolicy,
        timeouts: SSHTimeouts = SSHTimeouts()
    ) async throws(SSHError) -> SSHClient {
        let queue = DispatchQueue(label: "rcluster.ssh.\(endpoint.host)")
        let result: Result<SSHClient, SSHError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(SSHError) in
                    let session = try SSHSession(endpoint: endpoint, credentials: credentials, hostKeys: hostKeys, timeouts: timeouts)
                    return SSHClient(endpoint: endpoint, session: session, queue: queue, timeouts: timeouts)
                })
            }
        }
        return try result.get()
    }

    /// Runs a command; a non-zero exit is a result, not an error.
    public func run(_ command: String, stdin: [UInt8]? = nil, timeout: Duration? = nil) async throws(SSHError) -> SSHCommandResult {
        let budget = timeout ?? timeouts.command
        let endpoint = self.endpoint
        let result: Result<SSHCommandResult, SSHError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(SSHError) in
                    guard let session = self.session else { throw SSHError.disconnected(endpoint, "the connection was closed") }
                    defer { if session.broken { self.session = nil } }
                    return try session.run(command, stdin: stdin, timeout: budget)
                })
            }
        }
        return try result.get()
    }

    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.session = nil
                continuation.resume()
            }
        }
    }
}
