import ClusterModel
import Foundation
import NIOCore
import RedisClient
import RESP

/// Fetches a node's RDB snapshot the way a replica gets it: AUTH, REPLCONF
/// rdb-only 1 (the node then sends only the RDB, no command stream), SYNC,
/// then the payload, either `$<length>` bytes or, for a diskless transfer,
/// bytes up to a 40-byte end mark. Plain blocking socket I/O on a Dispatch
/// thread: the payload is a byte stream, not RESP, and may be large.
public struct RDBFetcher: Sendable {
    public let auth: RedisAuth?
    public let timeoutSeconds: Int

    public init(auth: RedisAuth?, timeoutSeconds: Int = 60) {
        self.auth = auth
        self.timeoutSeconds = timeoutSeconds
    }

    /// Writes the node's RDB to `path` (a temporary file, fsynced, then
    /// renamed), after reading it back (BackupVerifier): a damaged one is
    /// left as `path.damaged`, and an earlier file at `path` stays as it was.
    public func fetch(_ address: NodeAddress, to path: String, ownedSlots: Set<Int>) async throws(ClusterAdminError)
        -> (bytes: Int, verification: RDBVerification) {
        try await offThread { () throws(ClusterAdminError) in
            let temporary = path + ".part"
            let written = try self.fetchBlocking(address, to: temporary)
            let verification: RDBVerification
            do throws(RDBVerificationFailure) {
                guard let contents = FileManager.default.contents(atPath: temporary) else {
                    throw RDBVerificationFailure(reason: "cannot read back \(temporary)")
                }
                verification = try BackupVerifier.verify(Array(contents), ownedSlots: ownedSlots)
            } catch {
                let damaged = path + ".damaged"
                Glibc.rename(temporary, damaged)
                throw .refused("\(address): the RDB it sent does not verify: \(error.reason); left as \(damaged), not in the backup")
            }
            try Self.rename(temporary, to: path, address)
            return (written, verification)
        }
    }

    private func offThread<T: Sendable>(_ work: @escaping @Sendable () throws(ClusterAdminError) -> T) async throws(ClusterAdminError) -> T {
        let result: Result<T, ClusterAdminError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Result { () throws(ClusterAdminError) in try work() })
            }
        }
        return try result.get()
    }

    private static func rename(_ from: String, to path: String, _ address: NodeAddress) throws(ClusterAdminError) {
        guard Glibc.rename(from, path) == 0 else {
            throw .refused("\(address): fetching its RDB failed: rename to \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// The RDB into `temporary` (created 0600, fsynced); its size.
    private func fetchBlocking(_ address: NodeAddress, to temporary: String) throws(ClusterAdminError) -> Int {
        let fail = { (reason: String) in ClusterAdminError.refused("\(address): fetching its RDB failed: \(reason)") }
        var stream = try BlockingSocket.connect(address, timeoutSeconds: timeoutSeconds, fail: fail)
        defer { stream.close() }
        if let auth {
            let words = ["AUTH"] + (auth.username.map { [$0] } ?? []) + [auth.password]
            try stream.write(resp(words), fail: fail)
            let reply = try stream.readLine(fail: fail)
            guard reply.hasPrefix("+") else { throw fail("AUTH refused: \(reply)") }
        }
        try stream.write(resp(["REPLCONF", "rdb-only", "1"]), fail: fail)
        _ = try stream.readLine(fail: fail)  // older servers refuse it; the RDB comes anyway
        try stream.write(Array("SYNC\r\n".utf8), fail: fail)
        var header = ""
        while header.isEmpty { header = try stream.readLine(fail: fail) }  // newlines keep the link alive while the node saves
        guard header.hasPrefix("$") else { throw fail("SYNC answered \(header)") }

        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw fail("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        var written = 0
        do throws(ClusterAdminError) {
            if header.hasPrefix("$EOF:") {
                let mark = Array(header.dropFirst(5).utf8)
                written = try stream.copyUntilMark(mark, to: fd, fail: fail)
            } else {
                guard let length = Int(header.dropFirst()) else { throw fail("bad length in \(header)") }
                written = try stream.copy(length, to: fd, fail: fail)
            }
            guard fsync(fd) == 0 else { throw fail("fsync \(temporary): \(String(cString: strerror(errno)))") }
        } catch {
            Glibc.close(fd)
            unlink(temporary)
            throw error
        }
        Glibc.close(fd)
        return written
    }

    private func resp(_ words: [String]) -> [UInt8] {
        var buffer = ByteBuffer()
        RESPEncoder.encodeCommand(words.map { ByteBuffer(string: $0) }, into: &buffer)
        return Array(buffer.readableBytesView)
    }
}

/// A blocking TCP stream with receive/send timeouts and a small read buffer.
struct BlockingSocket {
    let fd: Int32
    private var buffer: [UInt8] = []

    private init(fd: Int32) { self.fd = fd }

    static func connect(_ address: NodeAddress, timeoutSeconds: Int, fail: (String) -> ClusterAdminError) throws(ClusterAdminError) -> BlockingSocket {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(address.host, "\(address.port)", &hints, &list) == 0, let info = list else { throw fail("cannot resolve \(address.host)") }
        defer { freeaddrinfo(list) }
        let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard fd >= 0 else { throw fail(String(cString: strerror(errno))) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw fail("connect: \(reason)")
        }
        return BlockingSocket(fd: fd)
    }

    func close() { Glibc.close(fd) }

    func write(_ bytes: [UInt8], fail: (String) -> ClusterAdminError) throws(ClusterAdminError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw fail("send: \(String(cString: strerror(errno)))") }
            offset += sent
        }
    }

    private mutating func fill(fail: (String) -> ClusterAdminError) throws(ClusterAdminError) {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { throw fail(count == 0 ? "the node closed the connection" : "recv: \(String(cString: strerror(errno)))") }
        buffer += chunk[0..<count]
    }

    /// One line without its CR LF ("" for a bare keep-alive newline).
    mutating func readLine(fail: (String) -> ClusterAdminError) throws(ClusterAdminError) -> String {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[..<newline])
                buffer.removeFirst(newline + 1)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            try fill(fail: fail)
        }
    }

    mutating func copy(_ length: Int, to fd: Int32, fail: (String) -> ClusterAdminError) throws(ClusterAdminError) -> Int {
        var remaining = length
        while remaining > 0 {
            if buffer.isEmpty { try fill(fail: fail) }
            let take = min(remaining, buffer.count)
            try writeAll(Array(buffer[0..<take]), to: fd, fail: fail)
            buffer.removeFirst(take)
            remaining -= take
        }
        return length
    }

    /// Diskless transfers end with the 40-byte mark announced in the header.
    mutating func copyUntilMark(_ mark: [UInt8], to fd: Int32, fail: (String) -> ClusterAdminError) throws(ClusterAdminError) -> Int {
        var held: [UInt8] = []
        var written = 0
        while true {
            if buffer.isEmpty { try fill(fail: fail) }
            held += buffer
            buffer.removeAll()
            if held.count >= mark.count && Array(held.suffix(mark.count)) == mark {
                let payload = Array(held.dropLast(mark.count))
                try writeAll(payload, to: fd, fail: fail)
                return written + payload.count
            }
            if held.count > mark.count {
                let flush = Array(held.dropLast(mark.count))
                try writeAll(flush, to: fd, fail: fail)
                written += flush.count
                held = Array(held.suffix(mark.count))
            }
        }
    }

    private func writeAll(_ bytes: [UInt8], to fd: Int32, fail: (String) -> ClusterAdminError) throws(ClusterAdminError) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { throw fail("write: \(String(cString: strerror(errno)))") }
            offset += count
        }
    }
}
