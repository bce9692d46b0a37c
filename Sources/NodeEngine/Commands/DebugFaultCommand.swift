/// DEBUG FAULT, rcluster's own subcommand (redis-server has none of that
/// name): the faults `rcluster local` injects. Behind DEBUG, so behind
/// enable-debug-command, like the rest of what can hurt a node.
///
///     DEBUG FAULT                       the faults in force
///     DEBUG FAULT PARTITION node-id...  hear and tell nothing to these nodes
///                                       (none: the partition ends)
///     DEBUG FAULT SLOW milliseconds     delay every reply (0: none)
///     DEBUG FAULT HEAL                  no partition, no delay
extension DebugCommand {
    static func fault(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        switch a.count == 2 ? "" : a.lowercased(2) {
        case "":
            let partition = e.faults.partitionedFrom.sorted().joined(separator: ",")
            c.reply.bulk("partitioned-from:\(partition) reply-delay-ms:\(e.faults.replyDelayMilliseconds)")
        case "partition":
            guard let cluster = e.cluster else { return e.fail(c, "ERR This instance has cluster support disabled") }
            var ids = Set<String>()
            for index in 3..<a.count {
                let id = a.string(index)
                guard let node = cluster.node(id) else { return e.fail(c, "ERR Unknown node \(id)") }
                guard !node.isMyself else { return e.fail(c, "ERR I can't partition myself") }
                ids.insert(id)
            }
            if ids != e.faults.partitionedFrom {
                e.log(.notice, ids.isEmpty ? "DEBUG FAULT: partition ended" : "DEBUG FAULT: partitioned from \(ids.sorted().joined(separator: " "))")
            }
            e.partition(from: ids)
            c.reply.ok()
        case "slow" where a.count == 4:
            guard let delay = a.integer(3), delay >= 0, delay <= 60_000 else {
                return e.fail(c, "ERR the delay must be 0 to 60000 milliseconds")
            }
            e.faults.replyDelayMilliseconds = Int(delay)
            e.log(.notice, "DEBUG FAULT: replies delayed by \(delay) ms")
            c.reply.ok()
        case "heal" where a.count == 3:
            if e.faults != FaultInjection() { e.log(.notice, "DEBUG FAULT: healed") }
            e.partition(from: [])
            e.faults.replyDelayMilliseconds = 0
            c.reply.ok()
        default:
            e.subcommandSyntaxError(c, a)
        }
    }
}
