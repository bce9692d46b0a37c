import ClusterBus
import ClusterModel
import Foundation
import Testing
import TestSupport

/// The bus codec against messages captured from real redis-server 7.0.15
/// nodes (Tests/Fixtures/capture-scripts/capture_bus.py): each decodes to
/// what the nodes said, and encodes back to the same bytes.
@Suite struct ClusterMessageCodecTests {
    static let fixtures = (try? Fixtures.files(in: "bus", withExtension: "bin")) ?? []

    static func ids() throws -> [String: String] {
        var ids: [String: String] = [:]
        for line in try Fixtures.text("bus/ids.txt").split(separator: "\n") {
            let parts = line.split(separator: " ")
            ids[String(parts[0])] = String(parts[1])
        }
        return ids
    }

    @Test(arguments: fixtures)
    func aCapturedMessageDecodesAndEncodesBackByteForByte(fixture: String) throws {
        let bytes = try Fixtures.bytes(fixture)
        let message = try ClusterMessage.decode(bytes)
        #expect(message.encoded() == bytes)
        let ids = try Self.ids()
        let sender = fixture.contains("b-to-a") ? ids["b"] : ids["a"]
        #expect(message.header.sender == sender)
        #expect(message.header.replicaOf == nil)
        #expect(message.header.flags & 0x11 == 0x11, "a master's own messages carry MYSELF|MASTER")
    }

    @Test func fieldsAreWhereRedisPutsThem() throws {
        #expect(Self.fixtures.count >= 5, "run the capture script: \(Self.fixtures)")
        let meet = try ClusterMessage.decode(try Fixtures.bytes("bus/b-to-a-meet-1.bin"))
        #expect(meet.header.knownType == .meet)
        #expect(meet.header.port == 12102)
        #expect(meet.header.busPort == 22102)
        #expect(!meet.header.slots[0..<1024].contains { $0 != 0 } && meet.header.slots[1024..<2048].allSatisfy { $0 == 0xFF })
        let pong = try ClusterMessage.decode(try Fixtures.bytes("bus/a-to-b-pong-1.bin"))
        #expect(pong.header.knownType == .pong)
        #expect(pong.header.busPort == 12250)
        #expect(pong.header.messageFlags & ClusterMessage.flagExtensions != 0)
        guard case .gossip(_, let extensions) = pong.body else { Issue.record("not a gossip body"); return }
        #expect(extensions == [.hostname("alpha.example")])
        let publish = try ClusterMessage.decode(try Fixtures.bytes("bus/b-to-a-publish-1.bin"))
        #expect(publish.body == .publish(channel: Array("news".utf8), message: Array("hello from b".utf8)))
    }

    @Test func badInputIsAnErrorNeverATrap() throws {
        let ping = try Fixtures.bytes("bus/b-to-a-ping-1.bin")
        #expect(throws: ClusterBusError.badSignature) { try ClusterMessage.decode(Array("GET / HTTP/1.1\r\n".utf8)) }
        #expect(throws: (any Error).self) { try ClusterMessage.decode(Array(ping.prefix(100))) }
        var longer = ping + [0, 0, 0, 0]
        longer[4...7] = [0, 0, UInt8((longer.count >> 8) & 0xFF), UInt8(longer.count & 0xFF)]
        #expect(throws: ClusterBusError.lengthMismatch(type: 0, length: longer.count, expected: ping.count)) {
            try ClusterMessage.decode(longer)
        }
        var random = SplitMix(seed: 7)
        for _ in 0..<20_000 {
            var mutated = ping
            for _ in 0...random.below(8) { mutated[random.below(mutated.count)] = UInt8(random.below(256)) }
            if random.below(4) == 0 { mutated = Array(mutated.prefix(random.below(mutated.count))) }
            _ = try? ClusterMessage.decode(mutated)
        }
    }

    @Test func theFrameDecoderCutsAStreamIntoMessages() throws {
        let stream = try Self.fixtures.flatMap { try Fixtures.bytes($0) }
        var decoder = ClusterFrameDecoder()
        var frames: [[UInt8]] = []
        var offset = 0
        while offset < stream.count {
            let chunk = min(977, stream.count - offset)
            decoder.append(stream[offset..<(offset + chunk)])
            offset += chunk
            while let frame = try decoder.next() { frames.append(frame) }
        }
        #expect(frames == (try Self.fixtures.map { try Fixtures.bytes($0) }))
        var bad = ClusterFrameDecoder()
        bad.append([0x52, 0x43, 0x6D, 0x62, 0, 0, 0, 16])
        #expect(throws: ClusterBusError.lengthBelowHeader(16)) { try bad.next() }
    }
}

private struct SplitMix {
    var generator: SplitMix64
    init(seed: UInt64) { generator = SplitMix64(seed: seed) }
    mutating func below(_ bound: Int) -> Int { bound <= 0 ? 0 : Int(generator.next() % UInt64(bound)) }
}
