import NIOCore
import RedisClient

/// Splits keys into MIGRATE commands of at most a byte limit each (as MEMORY
/// USAGE counts them). MIGRATE builds its whole payload in the source's memory
/// before sending, and the target reads it as one client query (1 GB
/// `client-query-buffer-limit`): ten 512 MB values in one MIGRATE would
/// exhaust the one and break the other. A key larger than the limit travels
/// alone.
public enum MigrateBatches {
    public static let defaultByteLimit = 64 << 20

    /// Pure, so the bound is tested without servers.
    public static func split(_ keys: [ByteBuffer], sizes: [Int], byteLimit: Int) -> [[ByteBuffer]] {
        var batches: [[ByteBuffer]] = []
        var batch: [ByteBuffer] = []
        var bytes = 0
        for (key, size) in zip(keys, sizes) {
            if !batch.isEmpty && bytes + size > byteLimit {
                batches.append(batch)
                batch = []
                bytes = 0
            }
            batch.append(key)
            bytes += size
        }
        if !batch.isEmpty { batches.append(batch) }
        return batches
    }

    /// MEMORY USAGE of every key of every group, in one pipeline. A key gone
    /// meanwhile counts 0. `asking` for a node that serves the slot only while
    /// importing it (ASKING lasts one command).
    static func sizes(of groups: [[ByteBuffer]], on connection: RedisConnection,
                      asking: Bool) async throws(RedisClientError) -> [[Int]] {
        let prefix = asking ? [[ByteBuffer(string: "ASKING")]] : []
        let usage = [ByteBuffer(string: "MEMORY"), ByteBuffer(string: "USAGE")]
        let replies = try await connection.pipeline(groups.flatMap { $0.flatMap { prefix + [usage + [$0]] } })
        var next = replies.enumerated().filter { !asking || $0.offset % 2 == 1 }.map(\.element).makeIterator()
        return groups.map { group in
            group.map { _ in (try? next.next()?.get())?.int.map { Int($0) } ?? 0 }
        }
    }
}
