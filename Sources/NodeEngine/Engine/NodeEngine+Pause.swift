/// CLIENT PAUSE's rules: what waits, and the dataset held as it is.
extension NodeEngine {
    /// What CLIENT PAUSE WRITE holds: writes, may-replicate commands, and an
    /// EXEC whose queue has one of them.
    func mayReplicate(_ entry: CommandEntry, _ client: ClientSession) -> Bool {
        if entry.flags.contains(.write) || entry.flags.contains(.mayReplicate) { return true }
        guard entry.name == "exec", let queued = client.transaction else { return false }
        return queued.contains { arguments in
            commands.lookup(arguments).map { $0.flags.contains(.write) || $0.flags.contains(.mayReplicate) } ?? false
        }
    }

    /// While clients are paused the dataset stays as it is: keys that expire
    /// read as missing but are deleted only after the pause, as in expireIfNeeded.
    var keepsExpiredKeys: Bool { pauseUntil > now && !executingWrite }
}
