import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A replica that is only a socket: it does the handshake a replica does
/// (REPLCONF capa, PSYNC ? -1), takes the snapshot whole (EOF-mark or
/// length framed) without loading it, then hands the test each command of
/// the replication stream as its words. What a master sends its replicas
/// can so be compared between redis-server and the engine, command by command.
public final class FakeReplica {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var position = 0
    /// The replication ID and offset of +FULLRESYNC.
    public private(set) var replicationID = ""
    public private(set) var startOffset: Int64 = 0
    /// Bytes of the stream consumed since the snapshot: the offset to ACK is startOffset + this.
    public private(set) var streamBytes: Int64 = 0

    public init(port: Int, timeoutSeconds: Int = 30) throws {
        fd = try LoopbackSocket.connect(port: port, timeoutSeconds: timeoutSeconds)
        try handshake()
    }

    deinit { close(fd) }

    private func handshake() throws {
        try send(["REPLCONF", "capa", "eof", "capa", "psync2"])
        guard try line() == "+OK" else { throw TestSupportError("fake replica: REPLCONF capa was refused") }
        try send(["PSYNC", "?", "-1"])
        var reply = try line()
        while reply.isEmpty { reply = try line() }  // "\n" keepalives while the master prepares the snapshot
        let fields = reply.split(separator: " ")
        guard fields.count == 3, fields[0] == "+FULLRESYNC", let offset = Int64(fields[2]) else {
            throw TestSupportError("fake replica: PSYNC answered \(reply)")
        }
        replicationID = String(fields[1])
        startOffset = offset
        try skipSnapshot()
        try acknowledge()
    }

    /// `$EOF:<40 bytes>` then the payload up to the same 40 bytes, or `$<length>` and that many bytes.
    private func skipSnapshot() throws {
        var header = try line()
        while header.isEmpty { header = try line() }
        guard header.hasPrefix("$") else { throw TestSupportError("fake replica: the snapshot began with \(header)") }
        if header.hasPrefix("$EOF:") {
            let mark = Array(header.utf8.dropFirst(5))
            guard mark.count == 40 else { throw TestSupportError("fake replica: an EOF mark of \(mark.count) bytes") }
            while true {
                if let end = find(mark) {
                    position = end + mark.count
                    break
                }
                position = max(position, buffer.count - mark.count)
                try fill()
            }
        } else {
            guard let length = Int(header.dropFirst()) else { throw TestSupportError("fake replica: snapshot header \(header)") }
            while buffer.count - position < length { try fill() }
            position += length
        }
        compact()
    }

    /// The next command of the stream, nil if none came within `milliseconds`.
    /// While it waits it ACKs every 100 ms, as a replica's cron does each
    /// second: after a diskless snapshot the master holds the stream until
    /// an ACK that comes after its own end of the transfer.
    public func nextCommand(withinMilliseconds milliseconds: Int = 10_000) throws -> [[UInt8]]? {
        var waited = 0
        while true {
            let start = position
            if let words = try parseCommand() {
                streamBytes += Int64(position - start)
                compact()
                return words
            }
            position = start
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, 100) > 0 {
                try fill()
            } else {
                waited += 100
                guard waited < milliseconds else { return nil }
                try acknowledge()
            }
        }
    }

    /// REPLCONF ACK: what a real replica sends, so the master counts this one for WAIT.
    public func acknowledge() throws {
        try send(["REPLCONF", "ACK", "\(startOffset + streamBytes)"])
    }

    // MARK: - Bytes

    private func parseCommand() throws -> [[UInt8]]? {
        guard let count = try header(UInt8(ascii: "*")) else { return nil }
        var words: [[UInt8]] = []
        for _ in 0..<count {
            guard let length = try header(UInt8(ascii: "$")) else { return nil }
            guard buffer.count - position >= length + 2 else { return nil }
            words.append(Array(buffer[position..<(position + length)]))
            position += length + 2
        }
        return words
    }

    /// `<marker><n>\r\n` at the position; nil when it is not all here yet.
    private func header(_ marker: UInt8) throws -> Int? {
        guard position < buffer.count else { return nil }
        guard buffer[position] == marker else {
            throw TestSupportError("fake replica: the stream has \(Character(UnicodeScalar(buffer[position]))) where \(Character(UnicodeScalar(marker))) belongs")
        }
        guard let end = buffer[position...].firstIndex(of: 10) else { return nil }
        let text = String(decoding: buffer[(position + 1)..<(end - 1)], as: UTF8.self)
        guard let value = Int(text) else { throw TestSupportError("fake replica: the header \(text)") }
        position = end + 1
        return value
    }

    private func line() throws -> String {
        while true {
            if let end = buffer[position...].firstIndex(of: 10) {
                let text = String(decoding: buffer[position..<end], as: UTF8.self)
                position = end + 1
                return text.hasSuffix("\r") ? String(text.dropLast()) : text
            }
            try fill()
        }
    }

    private func find(_ mark: [UInt8]) -> Int? {
        guard buffer.count - position >= mark.count else { return nil }
        var index = position
        while index + mark.count <= buffer.count {
            if buffer[index] == mark[0] && Array(buffer[index..<(index + mark.count)]) == mark { return index }
            index += 1
        }
        return nil
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else {
            throw TestSupportError(count == 0 ? "fake replica: the master closed the link" : "fake replica: recv: \(String(cString: strerror(errno)))")
        }
        buffer += chunk[0..<count]
    }

    private func compact() {
        if position > 65536 || position == buffer.count {
            buffer.removeFirst(position)
            position = 0
        }
    }

    private func send(_ words: [String]) throws {
        var bytes = Array("*\(words.count)\r\n".utf8)
        for word in words { bytes += Array("$\(word.utf8.count)\r\n\(word)\r\n".utf8) }
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw TestSupportError("fake replica: send: \(String(cString: strerror(errno)))") }
            offset += sent
        }
    }
}
