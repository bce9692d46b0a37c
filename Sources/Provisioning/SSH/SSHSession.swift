import CLibSSH2
import Foundation

/// libssh2_init is not thread-safe; a global's initializer runs exactly once.
private let libssh2Initialized: Int32 = libssh2_init(0)

/// One authenticated SSH connection in libssh2's non-blocking mode: every call
/// that would block waits on the socket with poll against the current phase's
/// deadline, so no step can hang. Not thread-safe; SSHClient confines it to
/// one dispatch queue.
final class SSHSession {
    let endpoint: SSHEndpoint
    let socket: Int32
    let session: OpaquePointer
    /// The phase that is running, its deadline and its budget, for the timeout message.
    private(set) var phase = "connect"
    private(set) var deadline: ContinuousClock.Instant
    private(set) var budget: Duration
    /// Set once a step timed out or failed mid-protocol: the session state is unknown.
    var broken = false

    init(endpoint: SSHEndpoint, credentials: SSHCredentials, hostKeys: HostKeyPolicy, timeouts: SSHTimeouts) throws(SSHError) {
        _ = libssh2Initialized
        self.endpoint = endpoint
        budget = timeouts.connect
        deadline = .now + timeouts.connect
        socket = try SocketConnector.connect(endpoint, deadline: deadline, timeout: timeouts.connect)
        guard let session = rc_ssh2_session_init() else {
            close(socket)
            throw .handshakeFailed(endpoint, "libssh2 could not allocate a session")
        }
        self.session = session
        libssh2_session_set_blocking(session, 0)
        do throws(SSHError) {
            try begin("SSH handshake", budget: timeouts.connect)
            let status = try call { libssh2_session_handshake(session, socket) }
            guard status == 0 else { throw SSHError.handshakeFailed(endpoint, lastError()) }
            try verifyHostKey(hostKeys)
            try begin("SSH authentication", budget: timeouts.connect)
            try authenticate(credentials)
        } catch {
            release()
            throw error
        }
    }

    deinit { release() }

    private var released = false

    private func release() {
        guard !released else { return }
        released = true
        if !broken {
            // Best effort and bounded: a polite goodbye, not worth waiting for.
            for _ in 0..<20 where rc_ssh2_session_disconnect(session, "rcluster done") == LIBSSH2_ERROR_EAGAIN {
                usleep(1000)
            }
        }
        libssh2_session_free(session)
        close(socket)
    }

    func begin(_ phase: String, budget: Duration) throws(SSHError) {
        self.phase = phase
        self.budget = budget
        deadline = .now + budget
        if broken { throw .disconnected(endpoint, "an earlier step failed; reconnect") }
    }

    /// Runs a libssh2 call until it stops answering EAGAIN.
    func call<Status: BinaryInteger>(_ operation: () -> Status) throws(SSHError) -> Status {
        while true {
            let status = operation()
            guard status == LIBSSH2_ERROR_EAGAIN else { return status }
            try waitForSocket()
        }
    }

    /// Runs a libssh2 call that returns a pointer, NULL with EAGAIN meaning "again".
    func callForPointer<T>(_ operation: () -> T?) throws(SSHError) -> T? {
        while true {
            if let value = operation() { return value }
            guard libssh2_session_last_errno(session) == LIBSSH2_ERROR_EAGAIN else { return nil }
            try waitForSocket()
        }
    }

    /// Waits until the socket is ready in the direction libssh2 is blocked on.
    func waitForSocket() throws(SSHError) {
        let remaining = ContinuousClock.now.duration(to: deadline)
        guard remaining > .zero else {
            broken = true
            throw .timedOut(endpoint, what: phase, after: budget)
        }
        let directions = libssh2_session_block_directions(session)
        var events: Int16 = 0
        if directions & LIBSSH2_SESSION_BLOCK_INBOUND != 0 { events |= Int16(POLLIN) }
        if directions & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 { events |= Int16(POLLOUT) }
        // No direction reported: libssh2 wants another call soon; don't spin hot.
        let wait = events == 0 ? min(remaining.milliseconds, 5) : remaining.milliseconds
        var descriptor = pollfd(fd: socket, events: events, revents: 0)
        _ = poll(&descriptor, 1, Int32(clamping: wait))
    }

    func lastError() -> String {
        var message: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        let code = libssh2_session_last_error(session, &message, &length, 0)
        let text = message.map { String(cString: $0) } ?? "unknown error"
        return "\(text) (libssh2 \(code))"
    }

    func fail(_ what: String) -> SSHError {
        broken = true
        return .channelFailed(endpoint, what: what, lastError())
    }
}
