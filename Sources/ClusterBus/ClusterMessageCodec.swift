/// Why bytes from a bus link are not a message. A framing error closes the
/// link (the stream cannot be resynchronised); the others drop one message.
public enum ClusterBusError: Error, Equatable, CustomStringConvertible {
    case badSignature
    case lengthBelowHeader(UInt32)
    case unsupportedVersion(UInt16)
    case lengthMismatch(type: UInt16, length: Int, expected: Int)
    case malformedExtension(offset: Int)

    /// A framing error: the link must be closed.
    public var closesLink: Bool {
        switch self {
        case .badSignature, .lengthBelowHeader: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .badSignature: "the message does not start with RCmb"
        case .lengthBelowHeader(let length): "message length \(length) is below the 2256-byte header"
        case .unsupportedVersion(let version): "protocol version \(version) (7.0 speaks 1)"
        case .lengthMismatch(let type, let length, let expected):
            "invalid \(ClusterMessageType(rawValue: type)?.statsName ?? "type \(type)") packet of length \(length) but expected length \(expected)"
        case .malformedExtension(let offset): "a ping extension at byte \(offset) runs past the message"
        }
    }
}

extension ClusterMessage {
    /// The whole message, its length filled in.
    public func encoded() -> [UInt8] {
        var out = BusWriter()
        out.bytes(Self.signature)
        out.u32(0)  // totlen, below
        out.u16(Self.protocolVersion)
        out.u16(header.port)
        out.u16(header.type)
        var count = 0, extensions = 0
        if case .gossip(let entries, let exts) = body {
            count = entries.count
            extensions = exts.count
        }
        out.u16(UInt16(count))
        out.u64(header.currentEpoch)
        out.u64(header.configEpoch)
        out.u64(header.offset)
        out.fixed(header.sender, 40)
        out.bytes(header.slots)
        out.fixed(header.replicaOf ?? "", 40)
        out.fixed(header.myIP, 46)
        out.u16(UInt16(extensions))
        out.zeros(30)
        out.u16(header.plaintextPort)
        out.u16(header.busPort)
        out.u16(header.flags)
        out.u8(header.state)
        out.u8(extensions > 0 ? header.messageFlags | Self.flagExtensions : header.messageFlags)
        out.zeros(2)
        switch body {
        case .gossip(let entries, let exts):
            for entry in entries {
                out.fixed(entry.nodeID, 40)
                out.u32(entry.pingSent)
                out.u32(entry.pongReceived)
                out.fixed(entry.ip, 46)
                out.u16(entry.port)
                out.u16(entry.busPort)
                out.u16(entry.flags)
                out.u16(entry.plaintextPort)
                out.zeros(2)
            }
            for ext in exts {
                let (type, payload): (UInt16, [UInt8]) = switch ext {
                case .hostname(let name): (0, Array(name.utf8) + [0])
                case .other(let type, let payload): (type, payload)
                }
                let padded = (payload.count + 7) / 8 * 8
                out.u32(UInt32(8 + padded))
                out.u16(type)
                out.zeros(2)
                out.bytes(payload)
                out.zeros(padded - payload.count)
            }
        case .fail(let nodeID):
            out.fixed(nodeID, 40)
        case .publish(let channel, let message):
            out.u32(UInt32(channel.count))
            out.u32(UInt32(message.count))
            out.bytes(channel)
            out.bytes(message)
        case .update(let configEpoch, let nodeID, let slots):
            out.u64(configEpoch)
            out.fixed(nodeID, 40)
            out.bytes(slots)
        case .module(let id, let type, let payload):
            out.bytes(Array(id.prefix(8)) + [UInt8](repeating: 0, count: max(0, 8 - id.count)))
            out.u32(UInt32(payload.count))
            out.u8(type)
            out.bytes(payload)
        case .empty:
            break
        case .unknown(let bytes):
            out.bytes(bytes)
        }
        out.setU32(UInt32(out.buffer.count), at: 4)
        return out.buffer
    }

    /// Decodes one whole message (framing already done), checking its
    /// length against its type as clusterProcessPacket does.
    public static func decode(_ bytes: [UInt8]) throws(ClusterBusError) -> ClusterMessage {
        guard bytes.count >= 8, Array(bytes[0..<4]) == signature else { throw .badSignature }
        var reader = BusReader(bytes)
        reader.skip(4)
        let total = reader.u32()
        guard total >= UInt32(headerLength), bytes.count >= headerLength else { throw .lengthBelowHeader(total) }
        let version = reader.u16()
        guard version == protocolVersion else { throw .unsupportedVersion(version) }
        let port = reader.u16()
        let type = reader.u16()
        let count = Int(reader.u16())
        var header = Header(type: .ping, sender: "")
        header.type = type
        header.port = port
        header.currentEpoch = reader.u64()
        header.configEpoch = reader.u64()
        header.offset = reader.u64()
        header.sender = reader.fixed(40)
        header.slots = reader.bytes(2048)
        let replicaOf = reader.bytes(40)
        header.replicaOf = replicaOf.allSatisfy { $0 == 0 } ? nil : String(decoding: replicaOf, as: UTF8.self)
        header.myIP = reader.fixed(46)
        let extensionCount = Int(reader.u16())
        reader.skip(30)
        header.plaintextPort = reader.u16()
        header.busPort = reader.u16()
        header.flags = reader.u16()
        header.state = reader.u8()
        header.messageFlags = reader.u8()
        reader.skip(2)
        let length = bytes.count

        func expect(_ expected: Int) throws(ClusterBusError) {
            guard length == expected else { throw .lengthMismatch(type: type, length: length, expected: expected) }
        }
        switch ClusterMessageType(rawValue: type) {
        case .ping, .pong, .meet:
            var expected = headerLength + count * gossipLength
            guard length >= expected else { throw .lengthMismatch(type: type, length: length, expected: expected) }
            var entries: [GossipEntry] = []
            for _ in 0..<count {
                let id = reader.fixed(40)
                let pingSent = reader.u32(), pongReceived = reader.u32()
                let ip = reader.fixed(46)
                let entryPort = reader.u16(), busPort = reader.u16(), flags = reader.u16(), pport = reader.u16()
                reader.skip(2)
                entries.append(GossipEntry(nodeID: id, pingSent: pingSent, pongReceived: pongReceived, ip: ip,
                                           port: entryPort, busPort: busPort, flags: flags, plaintextPort: pport))
            }
            var extensions: [PingExtension] = []
            if header.messageFlags & flagExtensions != 0 {
                for _ in 0..<extensionCount {
                    guard reader.offset + 8 <= length else { throw .malformedExtension(offset: reader.offset) }
                    let start = reader.offset
                    let extLength = Int(reader.u32())
                    let extType = reader.u16()
                    reader.skip(2)
                    guard extLength >= 8, start + extLength <= length else { throw .malformedExtension(offset: start) }
                    let payload = reader.bytes(extLength - 8)
                    if extType == 0 {
                        extensions.append(.hostname(String(decoding: payload.prefix { $0 != 0 }, as: UTF8.self)))
                    } else {
                        extensions.append(.other(type: extType, payload: payload))
                    }
                    expected += extLength
                }
            }
            try expect(expected)
            return ClusterMessage(header: header, body: .gossip(entries, extensions))
        case .fail:
            try expect(headerLength + 40)
            return ClusterMessage(header: header, body: .fail(nodeID: reader.fixed(40)))
        case .publish, .publishShard:
            guard length >= headerLength + 8 else { throw .lengthMismatch(type: type, length: length, expected: headerLength + 8) }
            let channelLength = Int(reader.u32()), messageLength = Int(reader.u32())
            try expect(headerLength + 8 + channelLength + messageLength)
            return ClusterMessage(header: header, body: .publish(channel: reader.bytes(channelLength), message: reader.bytes(messageLength)))
        case .failoverAuthRequest, .failoverAuthAck, .manualFailoverStart:
            try expect(headerLength)
            return ClusterMessage(header: header, body: .empty)
        case .update:
            try expect(headerLength + 8 + 40 + 2048)
            return ClusterMessage(header: header, body: .update(configEpoch: reader.u64(), nodeID: reader.fixed(40), slots: reader.bytes(2048)))
        case .module:
            guard length >= headerLength + 13 else { throw .lengthMismatch(type: type, length: length, expected: headerLength + 13) }
            let id = reader.bytes(8)
            let payloadLength = Int(reader.u32())
            let moduleType = reader.u8()
            try expect(headerLength + 13 + payloadLength)
            return ClusterMessage(header: header, body: .module(id: id, type: moduleType, payload: reader.bytes(payloadLength)))
        case nil:
            return ClusterMessage(header: header, body: .unknown(reader.bytes(length - headerLength)))
        }
    }
}

/// Cuts a bus link's byte stream into messages: 8 bytes tell the length.
public struct ClusterFrameDecoder: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    public mutating func append(_ bytes: some Sequence<UInt8>) { pending.append(contentsOf: bytes) }

    /// The next whole message's bytes, nil until one has arrived; a framing
    /// error (bad signature, length below the header) means: close the link.
    public mutating func next() throws(ClusterBusError) -> [UInt8]? {
        guard pending.count >= 8 else { return nil }
        guard Array(pending[0..<4]) == ClusterMessage.signature else { throw .badSignature }
        let total = UInt32(pending[4]) << 24 | UInt32(pending[5]) << 16 | UInt32(pending[6]) << 8 | UInt32(pending[7])
        guard total >= UInt32(ClusterMessage.headerLength) else { throw .lengthBelowHeader(total) }
        guard pending.count >= Int(total) else { return nil }
        let message = Array(pending[0..<Int(total)])
        pending.removeFirst(Int(total))
        return message
    }

    public var bufferedBytes: Int { pending.count }
}

struct BusWriter {
    var buffer: [UInt8] = []

    init() { buffer.reserveCapacity(ClusterMessage.headerLength + 512) }

    mutating func u8(_ value: UInt8) { buffer.append(value) }
    mutating func u16(_ value: UInt16) { buffer += [UInt8(value >> 8), UInt8(value & 0xFF)] }
    mutating func u32(_ value: UInt32) { for shift in stride(from: 24, through: 0, by: -8) { buffer.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) } }
    mutating func u64(_ value: UInt64) { for shift in stride(from: 56, through: 0, by: -8) { buffer.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) } }
    mutating func bytes(_ bytes: [UInt8]) { buffer += bytes }
    mutating func zeros(_ count: Int) { buffer += [UInt8](repeating: 0, count: count) }
    /// A NUL-padded field of `size` bytes (the text cut to fit).
    mutating func fixed(_ text: String, _ size: Int) {
        let utf8 = Array(text.utf8.prefix(size))
        buffer += utf8
        zeros(size - utf8.count)
    }
    mutating func setU32(_ value: UInt32, at offset: Int) {
        for index in 0..<4 { buffer[offset + index] = UInt8(truncatingIfNeeded: value >> UInt32(24 - index * 8)) }
    }
}

struct BusReader {
    let data: [UInt8]
    var offset = 0

    init(_ data: [UInt8]) { self.data = data }

    mutating func skip(_ count: Int) { offset += count }
    mutating func u8() -> UInt8 {
        defer { offset += 1 }
        return offset < data.count ? data[offset] : 0
    }
    mutating func u16() -> UInt16 { UInt16(u8()) << 8 | UInt16(u8()) }
    mutating func u32() -> UInt32 { UInt32(u16()) << 16 | UInt32(u16()) }
    mutating func u64() -> UInt64 { UInt64(u32()) << 32 | UInt64(u32()) }
    mutating func bytes(_ count: Int) -> [UInt8] {
        let start = min(offset, data.count), end = min(offset + count, data.count)
        offset += count
        return Array(data[start..<end])
    }
    /// A NUL-padded text field.
    mutating func fixed(_ size: Int) -> String {
        String(decoding: bytes(size).prefix { $0 != 0 }, as: UTF8.self)
    }
}
