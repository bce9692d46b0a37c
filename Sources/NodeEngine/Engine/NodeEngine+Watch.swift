/// WATCH's bookkeeping, as multi.c keeps it: a change of a watched key makes
/// the watcher's EXEC fail, except the deletion of a key that had already
/// expired when it was watched, which is no change at all.
extension NodeEngine {
    /// keyIsExpired: there, with a time to live that has passed (not yet deleted).
    func isLogicallyExpired(_ db: Int, _ key: [UInt8]) -> Bool {
        guard let expireAt = expiresAt(db, key) else { return false }
        return expireAt < now && databases[db].table.find(key) != nil
    }

    /// touchWatchedKey.
    func signalWatchers(_ db: Int, _ key: [UInt8]) {
        guard !watchers.isEmpty, let clients = watchers[WatchedKeyName(db: db, key: key)] else { return }
        for client in clients {
            guard let index = client.watched.firstIndex(where: { $0.db == db && $0.key == key }) else { continue }
            if client.watched[index].expired {
                // Gone now: no logical change. Still there (set again): 7.0.15 stops looking at
                // the other watchers of this key, and so does this.
                guard databases[db].table.find(key) == nil else { break }
                client.watched[index].expired = false
                continue
            }
            client.watchDirty = true
        }
    }

    /// touchAllWatchedKeysInDb: FLUSHDB/FLUSHALL empty a database (nil), SWAPDB
    /// replaces its contents with another's; called before the change.
    func touchAllWatchedKeys(in db: Int, replacedWith replacement: Int?) {
        for (name, clients) in watchers where name.db == db {
            let existsNow = databases[db].table.find(name.key) != nil
            let existsAfter = replacement.map { databases[$0].table.find(name.key) != nil } ?? false
            guard existsNow || existsAfter else { continue }
            for client in clients {
                guard let index = client.watched.firstIndex(where: { $0.db == db && $0.key == name.key }) else { continue }
                if client.watched[index].expired {
                    if !existsAfter {
                        client.watched[index].expired = false
                        continue
                    }
                    if let replacement, isLogicallyExpired(replacement, name.key) { continue }
                } else if !existsNow, let replacement, isLogicallyExpired(replacement, name.key) {
                    client.watched[index].expired = true
                    continue
                }
                client.watchDirty = true
            }
        }
    }

    /// isWatchedKeyExpired: EXEC fails when a key alive at WATCH has expired since, deleted or not.
    func isWatchedKeyExpired(_ client: ClientSession) -> Bool {
        client.watched.contains { !$0.expired && isLogicallyExpired($0.db, $0.key) }
    }

    func unwatchAll(_ client: ClientSession) {
        for watched in client.watched {
            let name = WatchedKeyName(db: watched.db, key: watched.key)
            watchers[name]?.removeAll { $0 === client }
            if watchers[name]?.isEmpty == true { watchers[name] = nil }
        }
        client.watched = []
        client.watchDirty = false
    }
}
