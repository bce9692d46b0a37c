/// Replica migration, as clusterCron and clusterHandleSlaveMigration run
/// it: a master left with no working replica gets one from the master with
/// the most, keeping cluster-migration-barrier replicas there.
extension NodeEngine {
    /// CLUSTER_SLAVE_MIGRATION_DELAY: a master must stay orphaned this long.
    static let replicaMigrationDelay: Int64 = 5000

    /// The cron's count, for a replica: masters orphaned (serving slots,
    /// once with replicas, none working now), the most working replicas
    /// any master has, and how many my master has.
    func replicaMigrationIfNeeded() {
        guard let cluster, cluster.myself.isReplica else { return }
        var orphaned = 0, mostReplicas = 0, mine = 0
        for node in cluster.knownNodes where !node.isMyself && !node.flags.contains(.noAddress) && !node.inHandshake {
            guard node.isMaster, !node.hasFailed else { continue }
            let working = node.workingReplicaCount
            if working == 0 && node.slotCount > 0 && node.flags.contains(.migrateTo) { orphaned += 1 }
            mostReplicas = max(mostReplicas, working)
            if cluster.myself.master === node { mine = working }
        }
        if orphaned > 0 && mostReplicas >= 2 && mine == mostReplicas && config.bool("cluster-allow-replica-migration") {
            migrateToOrphanedMaster(mostReplicas: mostReplicas)
        }
    }

    /// clusterHandleSlaveMigration: of the replicas of the masters with the
    /// most, the one with the smallest ID moves, once the orphan has waited.
    private func migrateToOrphanedMaster(mostReplicas: Int) {
        guard let cluster, cluster.isOK, let master = cluster.myself.master else { return }
        let working = master.replicas.filter { !$0.hasFailed && !$0.timedOut }.count
        guard working > config.integer("cluster-migration-barrier") else { return }
        var target: ClusterNode?
        var candidate = cluster.myself
        for node in cluster.knownNodes {
            let replicas = node.isMaster ? node.workingReplicaCount : 0
            let isOrphaned = node.isMaster && !node.hasFailed && node.flags.contains(.migrateTo) && replicas == 0
            if isOrphaned {
                if target == nil && node.slotCount > 0 { target = node }
                if node.orphanedSince == 0 { node.orphanedSince = now }
            } else {
                node.orphanedSince = 0
            }
            if replicas == mostReplicas {
                for replica in node.replicas where replica.id < candidate.id { candidate = replica }
            }
        }
        guard let target, candidate === cluster.myself, now - target.orphanedSince > Self.replicaMigrationDelay else { return }
        log(.warning, "Migrating to orphaned master \(target.id)")
        becomeReplica(of: target)
        cluster.markChanged()
    }
}
