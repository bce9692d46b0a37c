/// Keyspace notifications (notifyKeyspaceEvent): a change of a key is
/// published on __keyspace@DB__:KEY (the event as the message) and on
/// __keyevent@DB__:EVENT (the key as the message), for the classes that
/// notify-keyspace-events enables. With none enabled it costs one test.
extension NodeEngine {
    @inline(__always)
    func notify(_ type: KeyspaceEvents, _ event: StaticString, _ key: [UInt8], db: Int) {
        guard keyspaceEvents.rawValue & type.rawValue != 0, keyspaceEvents.publishesAnything else { return }
        publishKeyspaceEvent(event.description, key, db: db)
    }

    /// notify(_:_:_:db:) for a key that is an argument: copied only when the event is published.
    @inline(__always)
    func notify(_ type: KeyspaceEvents, _ event: StaticString, _ arguments: Arguments, _ argument: Int, db: Int) {
        guard keyspaceEvents.rawValue & type.rawValue != 0, keyspaceEvents.publishesAnything else { return }
        publishKeyspaceEvent(event.description, arguments[argument], db: db)
    }

    /// An event whose name is computed (lpush or rpush, zadd or zincr).
    func notify(_ type: KeyspaceEvents, named event: String, _ key: [UInt8], db: Int) {
        guard keyspaceEvents.rawValue & type.rawValue != 0, keyspaceEvents.publishesAnything else { return }
        publishKeyspaceEvent(event, key, db: db)
    }

    private func publishKeyspaceEvent(_ event: String, _ key: [UInt8], db: Int) {
        let eventBytes = Array(event.utf8)
        if keyspaceEvents.contains(.keyspace) {
            publish(channel: Array("__keyspace@\(db)__:".utf8) + key, message: eventBytes, shard: false)
        }
        if keyspaceEvents.contains(.keyevent) {
            publish(channel: Array("__keyevent@\(db)__:".utf8) + eventBytes, message: key, shard: false)
        }
    }
}
