import NIOCore
import RedisClient

/// Keeps MIGRATE commands under a byte limit (as MEMORY USAGE counts them).
/// MIGRATE builds its whole payload in the source's memory before sending,
/// and the target reads it as one client query (1 GB
/// `client-query-buffer-limit`): ten 512 MB values in one MIGRATE would
/// exhaust the one and break the other.
///
/// Sizing every key would cost the source a sixth of its time on small keys
/// (the source is what limits a move), so each slot's batch is sampled first
/// (its first, middle and last key); only a batch whose sample says it could
/// come near the limit is sized key by key and split, a larger key alone. A
/// few huge values hidden among many small ones in one slot can slip past the
/// sample: that MIGRATE is then slow, and AdaptiveBatch halves the next ones.
public enum MigrateBatches {
    public static let defaultByteLimit = 64 << 20

    /// Positions of a batch of `count` keys that are sampled.
    public static func samplePositions(count: Int) -> [Int] {
        count == 0 ? [] : Array(Set([0, count / 2, count - 1])).sorted()
    }

    /// Whether a batch needs sizing key by key: its largest sampled key,
    /// times its count, comes within a quarter of the limit.
    public static func needsSizing(largestSample: Int, count: Int, byteLimit: Int) -> Bool {
        let (estimate, overflow) = largestSample.multipliedReportingOverflow(by: max(count, 1))
        return overflow || estimate > byteLimit / 4
    }

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

    /// Each group of keys as one or more MIGRATE batches under `byteLimit`.
    /// `asking` for a node that serves the slot only while importing it
    /// (ASKING lasts one command).
    static func bounded(_ groups: [[ByteBuffer]], on connection: RedisConnection, byteLimit: Int,
                        asking: Bool) async throws(ClusterAdminError) -> [[[ByteBuffer]]] {
        let samples = try await sizes(groups.map { group in samplePositions(count: group.count).map { group[$0] } },
                                      on: connection, asking: asking)
        let suspect = zip(groups, samples).map { group, sample in
            needsSizing(largestSample: sample.max() ?? 0, count: group.count, byteLimit: byteLimit)
        }
        let suspects = zip(groups, suspect).filter(\.1).map(\.0)
        var exact = try await sizes(suspects, on: connection, asking: asking).makeIterator()
        return zip(groups, suspect).map { group, suspect in
            suspect ? split(group, sizes: exact.next()!, byteLimit: byteLimit) : [group]
        }
    }

    /// MEMORY USAGE of every key, pipelined; a key gone meanwhile counts 0.
    private static func sizes(_ groups: [[ByteBuffer]], on connection: RedisConnection,
                              asking: Bool) async throws(ClusterAdminError) -> [[Int]] {
        let prefix = asking ? [[ByteBuffer(string: "ASKING")]] : []
        let usage = [ByteBuffer(string: "MEMORY"), ByteBuffer(string: "USAGE")]
        let replies = try await connection.replies(groups.flatMap { $0.flatMap { prefix + [usage + [$0]] } })
        var next = replies.enumerated().filter { !asking || $0.offset % 2 == 1 }.map(\.element).makeIterator()
        return groups.map { group in group.map { _ in (try? next.next()?.get())?.int.map { Int($0) } ?? 0 } }
    }
}
