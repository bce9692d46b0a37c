/// A server command or behaviour rcluster uses where it exists, with the
/// first release of each product that has it. Valkey forked from Redis 7.2,
/// so every Valkey has what Redis 7.x has.
public enum ServerFeature: String, Sendable, CaseIterable {
    case addSlotsRange = "CLUSTER ADDSLOTSRANGE"
    case functions = "FUNCTION"
    case clusterShards = "CLUSTER SHARDS"
    case rdbOnlySync = "REPLCONF rdb-only"
    case announcedHostnames = "cluster-announce-hostname"
    case atomicSlotMigration = "CLUSTER MIGRATESLOTS (atomic slot migration)"

    /// The first Redis release with it (nil: none yet).
    public var firstRedis: (major: Int, minor: Int)? {
        switch self {
        case .addSlotsRange, .functions, .clusterShards, .rdbOnlySync, .announcedHostnames: (7, 0)
        case .atomicSlotMigration: (8, 4)
        }
    }

    /// The first Valkey release with it.
    public var firstValkey: (major: Int, minor: Int) {
        switch self {
        case .addSlotsRange, .functions, .clusterShards, .rdbOnlySync, .announcedHostnames: (7, 2)
        case .atomicSlotMigration: (9, 0)
        }
    }

    /// "Redis 7.0 / Valkey 7.2", for refusals.
    public var firstReleases: String {
        let valkey = "Valkey \(firstValkey.major).\(firstValkey.minor)"
        guard let redis = firstRedis else { return valkey }
        return "Redis \(redis.major).\(redis.minor) / \(valkey)"
    }
}

extension ServerVersion {
    public func supports(_ feature: ServerFeature) -> Bool {
        switch product {
        case .redis: feature.firstRedis.map { atLeast($0.major, $0.minor) } ?? false
        case .valkey: atLeast(feature.firstValkey.major, feature.firstValkey.minor)
        }
    }

    /// Why `feature` cannot be used on `node` running this version, or nil when it can.
    public func refusal(_ feature: ServerFeature, node: String) -> String? {
        supports(feature) ? nil : "\(node) runs \(self), which has no \(feature.rawValue) (first in \(feature.firstReleases))"
    }
}
