import ArgumentParser
import ClusterAdmin
import RedisClient

/// How keys move, for reshard and rebalance (redis-cli's spellings too).
struct MigrationOptions: ParsableArguments {
    @Option(name: [.customLong("timeout"), .customLong("cluster-timeout")], help: "MIGRATE timeout in milliseconds.")
    var timeout = 60_000

    @Option(name: [.customLong("pipeline"), .customLong("cluster-pipeline")], help: "The most keys per GETKEYSINSLOT/MIGRATE batch; batches start at 10 and double while MIGRATEs are quick, halve while one takes over 200 ms, so large values do not stall the source.")
    var pipeline = 1000

    @Option(help: "The most bytes (as MEMORY USAGE counts them) one MIGRATE carries, as MIGRATE builds its whole payload in the source's memory: a batch whose sampled keys say it could come near is sized key by key and split, a larger key alone. 0: no bound.")
    var batchBytes = MigrateBatches.defaultByteLimit

    @Flag(name: [.customLong("replace"), .customLong("cluster-replace")], help: "Overwrite keys that exist on the target with other values.")
    var replace = false

    @Flag(help: "Move keys with GETKEYSINSLOT + MIGRATE even where both masters can move slots atomically (Valkey 9 and later, CLUSTER MIGRATESLOTS), as redis-cli does.")
    var legacyMigration = false

    func validate() throws {
        guard pipeline > 0, timeout > 0 else { throw ValidationError("--pipeline and --timeout must be positive") }
        guard batchBytes >= 0 else { throw ValidationError("--batch-bytes must be 0 (no bound) or positive") }
    }

    func settings(auth: RedisAuth?) -> SlotMigrator.Settings {
        .init(batchSize: pipeline, batchByteLimit: batchBytes, migrateTimeoutMilliseconds: timeout, replace: replace, auth: auth,
              atomicWhereAvailable: !legacyMigration)
    }
}
