import Foundation
import NIOCore
import RESP
#if canImport(Glibc)
import Glibc
#endif

/// A blocking client that returns each reply's raw bytes, for differential
/// tests that compare a real redis-server and the engine byte for byte.
public final class RawRESPConnection {
    private let fd: Int32
    private var buffer = ByteBuffer()
    private let parser = RESPParser()

    public init(port: Int, host: String = "127.0.0.1", timeoutSeconds: Int = 10) throws {
        fd = try Self.connect(host: host, port: port, timeoutSeconds: timeoutSeconds)
    }

    /// The descriptor is closed here when the connect fails, and only by
    /// deinit once it is ours: a class whose init throws after its stored
    /// properties are set still runs deinit, and a second close(2) of a number
    /// the process may have given to another socket meanwhile (an NIO
    /// channel of another test) cuts that connection.
    private static func connect(host: String, port: Int, timeoutSeconds: Int) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, "\(port)", &hints, &list) == 0, let info = list else { throw TestSupportError("cannot resolve \(host)") }
        defer { freeaddrinfo(list) }
        let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard fd >= 0 else { throw TestSupportError("socket: \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw TestSupportError("connect to \(host):\(port): \(reason)")
        }
        return fd
    }

    deinit { close(fd) }

    /// This end's port, which the server's CLIENT LIST shows in `addr=`.
    public var localPort: Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return result == 0 ? Int(UInt16(bigEndian: address.sin_port)) : 0
    }

    public func sendRaw(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw TestSupportError("send: \(String(cString: strerror(errno)))") }
            offset += sent
        }
    }

    /// One command, its reply's raw bytes.
    public func command(_ words: [String]) throws -> [UInt8] {
        var out = ByteBuffer()
        RESPEncoder.encodeCommand(words.map { ByteBuffer(string: $0) }, into: &out)
        try sendRaw(Array(out.readableBytesView))
        return try readReply()
    }

    /// The next reply's raw bytes; nil once the server closed the connection.
    public func readReply() throws -> [UInt8] {
        while true {
            let start = buffer.readerIndex
            var probe = buffer
            if (try? parser.next(from: &probe)) != nil, let value = Optional(probe) {
                let length = value.readerIndex - start
                let bytes = buffer.readBytes(length: length) ?? []
                return bytes
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw TestSupportError(count == 0 ? "the server closed the connection" : "recv: \(String(cString: strerror(errno)))") }
            buffer.writeBytes(chunk[0..<count])
        }
    }

    /// Which of `connections` has a reply (or a close) to read first, waiting
    /// up to `milliseconds`: the lowest index among those ready at once, nil
    /// if none is. For tests of the order in which a server answers clients.
    public static func firstReadable(_ connections: [RawRESPConnection], withinMilliseconds milliseconds: Int32) -> Int? {
        if let buffered = connections.firstIndex(where: { $0.buffer.readableBytes > 0 }) { return buffered }
        var descriptors = connections.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
        guard poll(&descriptors, nfds_t(descriptors.count), milliseconds) > 0 else { return nil }
        return descriptors.firstIndex { $0.revents != 0 }
    }

    /// Whether the server closed the connection (after a protocol error).
    public func isClosedByServer() -> Bool {
        var byte: UInt8 = 0
        let count = recv(fd, &byte, 1, 0)
        return count == 0
    }
}
