/// Counters INFO reports.
struct ServerStats {
    var connectionsReceived: Int64 = 0
    var blockedClients: Int64 = 0
    var rejectedConnections: Int64 = 0
    var commandsProcessed: Int64 = 0
    var keyspaceHits: Int64 = 0
    var keyspaceMisses: Int64 = 0
    var expiredKeys: Int64 = 0
    var evictedKeys: Int64 = 0
    var errorReplies: Int64 = 0
    var protocolErrors: Int64 = 0
    var netInputBytes: Int64 = 0
    var netOutputBytes: Int64 = 0
    /// Per command (CommandEntry.statsIndex).
    var commandCalls: [Int64] = []
    var commandMicroseconds: [Int64] = []
    var commandFailures: [Int64] = []
    /// By error code (the first word: ERR, WRONGTYPE, ...), for INFO errorstats.
    var errorCodes: [String: Int64] = [:]

    mutating func countError(_ message: String) {
        let code = message.prefix { $0 != " " }
        errorCodes[String(code), default: 0] += 1
    }

    mutating func reset() {
        let commands = commandCalls.count
        let blocked = blockedClients
        self = ServerStats()
        blockedClients = blocked
        commandCalls = Array(repeating: 0, count: commands)
        commandMicroseconds = Array(repeating: 0, count: commands)
        commandFailures = Array(repeating: 0, count: commands)
    }
}
