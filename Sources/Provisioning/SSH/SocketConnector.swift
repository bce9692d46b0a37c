import Foundation

/// Opens a non-blocking TCP socket to an endpoint within a deadline, trying
/// each resolved address in turn.
enum SocketConnector {
    static func connect(_ endpoint: SSHEndpoint, deadline: ContinuousClock.Instant, timeout: Duration) throws(SSHError) -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(endpoint.host, String(endpoint.port), &hints, &list)
        guard status == 0, let first = list else {
            throw .unresolvable(endpoint, String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            // Close-on-exec from the start: a child spawned by another thread
            // between socket() and fcntl() would otherwise inherit it.
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), info.pointee.ai_protocol)
            guard fd >= 0 else { lastError = String(cString: strerror(errno)); continue }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return fd }
            guard errno == EINPROGRESS else {
                lastError = String(cString: strerror(errno))
                close(fd)
                continue
            }
            switch waitWritable(fd, deadline: deadline) {
            case .ready:
                var socketError: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &socketError, &length)
                if socketError == 0 { return fd }
                lastError = String(cString: strerror(socketError))
                close(fd)
            case .timedOut:
                close(fd)
                throw .timedOut(endpoint, what: "TCP connect to port \(endpoint.port)", after: timeout)
            }
        }
        throw .connectFailed(endpoint, lastError)
    }

    private enum Wait { case ready, timedOut }

    private static func waitWritable(_ fd: Int32, deadline: ContinuousClock.Instant) -> Wait {
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { return .timedOut }
            var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let result = poll(&descriptor, 1, Int32(clamping: remaining.milliseconds))
            if result > 0 { return .ready }
            if result < 0 && errno != EINTR { return .ready }  // SO_ERROR tells what happened
        }
    }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000 + (attoseconds % 1_000_000_000_000_000 > 0 ? 1 : 0)
    }
}
