/// client-output-buffer-limit, per class of client (normal, replica,
/// pubsub): past `hard` bytes a client is closed at once; past `soft` it is
/// closed once it has stayed there for more than `softSeconds`.
struct OutputBufferLimit: Equatable {
    var hard = 0
    var soft = 0
    var softSeconds: Int64 = 0
}

struct OutputBufferLimits: Equatable {
    var normal = OutputBufferLimit()
    var replica = OutputBufferLimit()
    var pubsub = OutputBufferLimit()

    init() {}

    init(_ config: ServerConfig) {
        let classes = SpecialConfigValues.bufferLimits(config["client-output-buffer-limit"]).map { words in
            OutputBufferLimit(hard: Int(clamping: UInt64(words[0]) ?? 0), soft: Int(clamping: UInt64(words[1]) ?? 0),
                              softSeconds: Int64(words[2]) ?? 0)
        }
        (normal, replica, pubsub) = (classes[0], classes[1], classes[2])
    }
}

extension NodeEngine {
    private func outputBufferLimit(_ client: ClientSession) -> OutputBufferLimit {
        client.replicaLink != nil ? outputLimits.replica : client.isSubscriber ? outputLimits.pubsub : outputLimits.normal
    }

    /// Whether writes to `client` need checking at all (normal clients have no limits by default).
    public func hasOutputBufferLimits(_ client: ClientSession) -> Bool {
        let limit = outputBufferLimit(client)
        return limit.hard > 0 || limit.soft > 0
    }

    /// checkClientOutputBufferLimits: whether `client`, with `pending` bytes
    /// its socket has not taken, is to be closed. The soft limit's clock
    /// starts at the first write past it and stops when a write finds the
    /// client below it again; it counts whole seconds, as server.unixtime does.
    public func exceedsOutputBufferLimit(_ client: ClientSession, pending: Int) -> Bool {
        let limit = outputBufferLimit(client)
        var exceeded = limit.hard > 0 && pending >= limit.hard
        if limit.soft > 0 && pending >= limit.soft {
            let second = clock.milliseconds() / 1000
            if let since = client.softOutputLimitReachedAt {
                exceeded = exceeded || second - since > limit.softSeconds
            } else {
                client.softOutputLimitReachedAt = second
            }
        } else {
            client.softOutputLimitReachedAt = nil
        }
        if exceeded { log(.warning, "Client \(describe(client)) scheduled to be closed ASAP for overcoming of output buffer limits.") }
        return exceeded
    }
}
