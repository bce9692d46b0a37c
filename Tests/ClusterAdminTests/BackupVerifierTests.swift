import ClusterAdmin
import ClusterModel
import Foundation
import RDB
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

@Suite struct BackupVerifierTests {
    /// An RDB as redis-server 7.0 writes it, with `keys` string keys in DB 0 (and `other` in DB 3).
    static func rdb(keys: [String], other: [String] = []) -> [UInt8] {
        var writer = RDBFileWriter(aux: [("redis-ver", "7.0.15")])
        writer.selectDatabase(0, keys: keys.count, expires: 0)
        for key in keys { writer.write(key: Array(key.utf8), value: .string(Array("v".utf8)), expireAt: nil) }
        if !other.isEmpty {
            writer.selectDatabase(3, keys: other.count, expires: 0)
            for key in other { writer.write(key: Array(key.utf8), value: .string(Array("v".utf8)), expireAt: nil) }
        }
        return writer.finish()
    }

    @Test func aGoodFileHasItsKeysCountedPerSlot() throws {
        let keys = (0..<500).map { "key:\($0)" }
        let owned = Set(keys.prefix(400).map { HashSlot(key: $0).rawValue })
        let result = try BackupVerifier.verify(Self.rdb(keys: keys, other: ["elsewhere"]), ownedSlots: owned)
        var expected: [Int: Int] = [:]
        for key in keys + ["elsewhere"] { expected[HashSlot(key: key).rawValue, default: 0] += 1 }
        #expect(result.keysBySlot == expected)
        #expect(result.keys == 501)
        #expect(result.note == nil)
        let outside = (keys + ["elsewhere"]).filter { !owned.contains(HashSlot(key: $0).rawValue) }.count
        #expect(outside > 0 && result.keysOutsideOwnedSlots == outside)
        #expect(result.keysOutsideDatabaseZero == 1)
    }

    @Test func aFlippedByteATruncatedFileAndAnythingElseFail() {
        var damaged = Self.rdb(keys: (0..<50).map { "k\($0)" })
        damaged[40] ^= 0x20
        #expect(throws: RDBVerificationFailure.self) { try BackupVerifier.verify(damaged, ownedSlots: []) }
        do {
            _ = try BackupVerifier.verify(damaged, ownedSlots: [])
        } catch {
            #expect(error.reason.contains("CRC-64") || error.reason.contains("byte"), "\(error.reason)")
        }
        let cut = Array(Self.rdb(keys: (0..<50).map { "k\($0)" }).dropLast(20))
        #expect(throws: RDBVerificationFailure.self) { try BackupVerifier.verify(cut, ownedSlots: []) }
        #expect(throws: RDBVerificationFailure.self) { try BackupVerifier.verify(Array("-ERR no\r\n".utf8), ownedSlots: []) }
        #expect(throws: RDBVerificationFailure.self) { try BackupVerifier.verify([], ownedSlots: []) }
    }

    /// Valkey 8+ writes VALKEY080: its keys cannot be counted, its checksum still tells a cut transfer.
    @Test func aNewerFormatIsCheckedByItsChecksumOnly() throws {
        var body = Array("VALKEY080".utf8) + [0xFE, 0x00] + Array(repeating: 0x41, count: 30) + [0xFF]
        let crc = CRC64.checksum(body)
        withUnsafeBytes(of: crc.littleEndian) { body += $0 }
        let result = try BackupVerifier.verify(body, ownedSlots: [])
        #expect(result.keysBySlot == nil && result.keys == nil)
        #expect(result.note?.contains("VALKEY RDB version 80") == true)
        var damaged = body
        damaged[20] ^= 1
        #expect(throws: RDBVerificationFailure.self) { try BackupVerifier.verify(damaged, ownedSlots: []) }
    }

    /// A node that answers SYNC with a damaged RDB: the fetch fails, the file
    /// is left as .damaged, and the good file of an earlier backup stays.
    @Test func aDamagedTransferIsNotKeptAndAnEarlierFileStays() async throws {
        var payload = Self.rdb(keys: (0..<100).map { "k\($0)" })
        payload[payload.count / 2] ^= 0xFF
        let node = try OneShotSyncServer(payload: payload)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rcluster-test-verify-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/node.rdb"
        let earlier = Self.rdb(keys: ["earlier"])
        FileManager.default.createFile(atPath: path, contents: Data(earlier))
        await #expect(throws: ClusterAdminError.self) {
            _ = try await RDBFetcher(auth: nil, timeoutSeconds: 5).fetch(NodeAddress(host: "127.0.0.1", port: node.port), to: path, ownedSlots: [])
        }
        #expect(FileManager.default.contents(atPath: path).map(Array.init) == earlier)
        #expect(FileManager.default.contents(atPath: path + ".damaged").map(Array.init) == payload)
        #expect(!FileManager.default.fileExists(atPath: path + ".part"))
    }
}

/// A listener beside the real nodes of the integration tests: it answers
/// one connection's REPLCONF with +OK and its SYNC with `payload`, as a
/// node whose transfer was damaged on the way would.
final class OneShotSyncServer: @unchecked Sendable {
    let port: Int

    init(payload: [UInt8]) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0 }
        }
        guard bound, listen(listener, 1) == 0 else {
            close(listener)
            throw TestSupportError("cannot listen on loopback")
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        // The thread owns the listener and closes it after its one accept.
        Thread.detachNewThread {
            let client = accept(listener, nil, nil)
            close(listener)
            guard client >= 0 else { return }
            defer { close(client) }
            var request = [UInt8](repeating: 0, count: 4096)
            var seen: [UInt8] = []
            // REPLCONF rdb-only 1, then SYNC: answer each once it has arrived.
            while !String(decoding: seen, as: UTF8.self).contains("SYNC") {
                let count = recv(client, &request, request.count, 0)
                guard count > 0 else { return }
                seen += request[0..<count]
                if String(decoding: seen, as: UTF8.self).contains("rdb-only"), !String(decoding: seen, as: UTF8.self).contains("SYNC") {
                    _ = "+OK\r\n".withCString { send(client, $0, 5, 0) }
                    seen = Array("rdb-only-answered".utf8)
                }
            }
            let reply = Array("$\(payload.count)\r\n".utf8) + payload
            _ = reply.withUnsafeBytes { send(client, $0.baseAddress, $0.count, 0) }
        }
    }

}
