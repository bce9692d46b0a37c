import ClusterModel
import NIOCore
import RedisClient
import RESP

/// Valkey 9's atomic slot migration for one window of slots: the source sends
/// the slots' keys to the target itself and hands the slots over in one step
/// (CLUSTER MIGRATESLOTS), so no slot is ever left MIGRATING or IMPORTING and
/// clients are never sent an ASK. rcluster starts the job and polls it
/// (CLUSTER GETSLOTMIGRATIONS) until it ends.
struct AtomicSlotMove: Sendable {
    enum Outcome: Sendable, Equatable {
        /// The keys the slots held when the job started.
        case moved(keys: Int)
        /// Nothing moved (a job is all or nothing); Valkey's reason.
        case notMoved(reason: String)
    }

    /// Jobs of a few thousand keys end within milliseconds: poll fast at
    /// first, then back off so a long job costs the source little.
    var firstPoll: Duration = .milliseconds(2)
    var slowestPoll: Duration = .milliseconds(100)

    func move(slots: [Int], from source: RedisConnection, to targetID: String) async throws(ClusterAdminError) -> Outcome {
        let keys = try await keyCount(slots, on: source)
        let earlier = Set(try await jobs(on: source).map(\.name))
        let start = ["CLUSTER", "MIGRATESLOTS", "SLOTSRANGE"] + SlotMigrationJob.rangeArguments(slots) + ["NODE", targetID]
        if case .failure(let error) = try await source.replies([start.map { ByteBuffer(string: $0) }])[0] {
            return .notMoved(reason: error.message)
        }
        var wait = firstPoll
        while true {
            // Jobs listed before this one started (earlier windows, other
            // runs) are not it: this one's is the new EXPORT to this target.
            let job = try await jobs(on: source).first {
                !earlier.contains($0.name) && $0.operation == "EXPORT" && $0.targetNode == targetID
            }
            guard let job else {
                return .notMoved(reason: "CLUSTER MIGRATESLOTS answered OK but CLUSTER GETSLOTMIGRATIONS lists no job for it")
            }
            switch job.outcome {
            case .succeeded: return .moved(keys: keys)
            case .failed(let reason): return .notMoved(reason: Self.explained(reason))
            case .cancelled: return .notMoved(reason: "the job was cancelled (CLUSTER CANCELSLOTMIGRATIONS)")
            case nil:
                try? await Task.sleep(for: wait)
                wait = min(wait * 2, slowestPoll)
            }
        }
    }

    /// The source opens its own connection to the target, authenticating
    /// as a replica would: say which settings that takes.
    static func explained(_ reason: String) -> String {
        guard reason.contains("NOAUTH") || reason.contains("WRONGPASS") else { return reason }
        return reason + "; masters authenticate to each other with masterauth (and masteruser): set them to move slots atomically"
    }

    private func jobs(on source: RedisConnection) async throws(ClusterAdminError) -> [SlotMigrationJob] {
        let reply = try await source.replies([["CLUSTER", "GETSLOTMIGRATIONS"].map { ByteBuffer(string: $0) }])[0]
            .get(address: source.address, step: "CLUSTER GETSLOTMIGRATIONS")
        return (reply.elements ?? []).compactMap { entry in
            let items = (entry.elements ?? []).map { $0.string ?? "" }
            var fields: [String: String] = [:]
            for index in stride(from: 0, to: items.count - 1, by: 2) { fields[items[index]] = items[index + 1] }
            return SlotMigrationJob(fields: fields)
        }
    }

    private func keyCount(_ slots: [Int], on source: RedisConnection) async throws(ClusterAdminError) -> Int {
        let replies = try await source.replies(slots.map { ["CLUSTER", "COUNTKEYSINSLOT", "\($0)"].map { ByteBuffer(string: $0) } })
        var total = 0
        for reply in replies {
            total += Int(try reply.get(address: source.address, step: "CLUSTER COUNTKEYSINSLOT").int ?? 0)
        }
        return total
    }
}
