import NIOCore

/// The RDB of a full sync as it arrives after +FULLRESYNC: `$<length>` and
/// that many bytes (a master that saved to disk), or `$EOF:<40 chars>`, the
/// bytes and the same 40 chars (diskless). Newlines before the header are
/// the master's keepalive. Pure: bytes in, the whole RDB out.
struct SnapshotTransfer {
    enum Framing { case unknown, length(Int), endMark([UInt8]) }
    enum Failure: Error, Equatable { case badHeader(String) }

    private(set) var framing = Framing.unknown
    private(set) var payload: [UInt8] = []

    /// Takes what `bytes` holds of the transfer; the RDB once it is whole,
    /// leaving what follows it (the stream) in `bytes`.
    mutating func feed(_ bytes: inout ByteBuffer) throws(Failure) -> [UInt8]? {
        while case .unknown = framing {
            guard let newline = bytes.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            let length = newline - bytes.readerIndex
            var line = bytes.readString(length: length) ?? ""
            bytes.moveReaderIndex(forwardBy: 1)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty { continue }
            if line.hasPrefix("-") { throw .badHeader("MASTER aborted replication with an error: \(line)") }
            guard line.hasPrefix("$") else {
                throw .badHeader("Bad protocol from MASTER, the first byte is not '$' (we received '\(line)'), are you sure the host and port are right?")
            }
            if line.hasPrefix("$EOF:") {
                let mark = Array(line.utf8.dropFirst(5))
                guard mark.count == 40 else { throw .badHeader("Bad EOF mark from MASTER: '\(line)'") }
                framing = .endMark(mark)
            } else if let size = Int(line.dropFirst()), size >= 0 {
                framing = .length(size)
                payload.reserveCapacity(size)
            } else {
                throw .badHeader("Bad length from MASTER: '\(line)'")
            }
        }
        switch framing {
        case .unknown:
            return nil
        case .length(let size):
            let take = min(size - payload.count, bytes.readableBytes)
            payload += bytes.readBytes(length: take) ?? []
            return payload.count == size ? payload : nil
        case .endMark(let mark):
            // The mark can only be at the end of what was sent before the
            // stream starts: a diskless master sends nothing after it until our ACK.
            payload += bytes.readBytes(length: bytes.readableBytes) ?? []
            guard payload.count >= mark.count, payload.suffix(mark.count).elementsEqual(mark) else { return nil }
            payload.removeLast(mark.count)
            return payload
        }
    }
}
