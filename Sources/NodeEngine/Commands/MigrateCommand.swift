import NIOCore
import RDB
import RESP

/// MIGRATE (cluster.c's migrateCommand): the keys' DUMP payloads sent as
/// RESTORE (RESTORE-ASKING in cluster mode) over a cached connection to the
/// target, each key deleted here once the target said OK. The server does
/// the network part (`migrateOutput`); while it runs, other clients' commands
/// wait, as they wait while redis-server blocks in MIGRATE.
enum MigrateCommand {
    static let all: [(String, CommandHandler)] = [("migrate", migrate)]

    static func migrate(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        var copy = false, replace = false
        var username: [UInt8]?, password: [UInt8]?
        var firstKey = 3, keyCount = 1
        var index = 6
        while index < a.count {
            let more = a.count - 1 - index
            if a.isWord(index, "copy") {
                copy = true
            } else if a.isWord(index, "replace") {
                replace = true
            } else if a.isWord(index, "auth") {
                guard more >= 1 else { return e.fail(c, "ERR syntax error") }
                index += 1
                password = a[index]
                e.redact(index)
            } else if a.isWord(index, "auth2") {
                guard more >= 2 else { return e.fail(c, "ERR syntax error") }
                username = a[index + 1]
                password = a[index + 2]
                e.redact(index + 1)
                e.redact(index + 2)
                index += 2
            } else if a.isWord(index, "keys") {
                guard a.length(3) == 0 else {
                    return e.fail(c, "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string")
                }
                firstKey = index + 1
                keyCount = a.count - index - 1
                break
            } else {
                return e.fail(c, "ERR syntax error")
            }
            index += 1
        }
        guard var timeout = a.integer(5), let db = a.integer(4) else {
            return e.fail(c, "ERR value is not an integer or out of range")
        }
        if timeout <= 0 { timeout = 1000 }
        var keys: [[UInt8]] = []
        for position in firstKey..<(firstKey + keyCount) where e.read(c, a[position]) != nil {
            keys.append(a[position])
        }
        guard !keys.isEmpty else { return c.reply.raw("+NOKEY\r\n") }
        let migration = Migration(client: c, host: a.string(1), port: Int(a.integer(2) ?? 0), db: db, timeout: timeout,
                                  keys: keys, copy: copy, replace: replace, username: username, password: password)
        e.startMigration(migration, mayRetry: true)
    }
}

/// One MIGRATE in flight.
struct Migration {
    let client: ClientSession
    let host: String
    let port: Int
    let db: Int64
    let timeout: Int64
    var keys: [[UInt8]]
    let copy: Bool
    let replace: Bool
    let username: [UInt8]?
    let password: [UInt8]?
    var sendsSelect = false

    var target: String { "\(host):\(port)" }
}

/// What the server sends and reads back for one MIGRATE.
public struct MigrateExchange: Sendable {
    public let id: Int
    public let host: String
    public let port: Int
    /// Use the connection cached for host:port; false opens a fresh one.
    public let reuse: Bool
    public let bytes: [UInt8]
    /// How many single-line replies to read.
    public let replies: Int
    public let timeoutMilliseconds: Int64
}

public enum MigrateExchangeResult: Sendable {
    case replies([String])
    /// The target's name did not resolve: redis-server's blocking connect fails at once.
    case unresolvable
    /// Refused or timed out: redis-server's connect "succeeds" and its write fails.
    case connectFailed(timedOut: Bool)
    /// The socket failed or timed out after `read` replies.
    case failed(read: [String], timedOut: Bool, writing: Bool)
}

extension NodeEngine {
    func startMigration(_ migration: Migration, mayRetry: Bool) {
        var migration = migration
        var bytes = ByteBuffer()
        func command(_ words: [[UInt8]]) { RESPEncoder.encodeCommand(words.map { ByteBuffer(bytes: $0) }, into: &bytes) }
        if let password = migration.password {
            command([Array("AUTH".utf8)] + (migration.username.map { [$0] } ?? []) + [password])
        }
        let lastDB = migrateTargets[migration.target]
        migration.sendsSelect = lastDB != migration.db
        if migration.sendsSelect { command([Array("SELECT".utf8), Array(String(migration.db).utf8)]) }
        var sent: [[UInt8]] = []
        let database = databases[migration.client.db]
        for key in migration.keys {
            guard let index = database.table.find(key) else { continue }
            var ttl: Int64 = 0
            if let expireAt = expiresAt(migration.client.db, key) {
                ttl = expireAt - now
                if ttl < 0 { continue }
                if ttl < 1 { ttl = 1 }
            }
            sent.append(key)
            let payload = DumpPayload.encode(database.table[value: index].rdbValue)
            var words = [Array((cluster != nil ? "RESTORE-ASKING" : "RESTORE").utf8), key, Array(String(ttl).utf8), payload]
            if migration.replace { words.append(Array("REPLACE".utf8)) }
            command(words)
        }
        migration.keys = sent
        let id = nextMigrationID
        nextMigrationID += 1
        pendingMigrations[id] = (migration, mayRetry)
        migration.client.awaitingMigration = true
        migrationHolder = migration.client
        let replies = (migration.password != nil ? 1 : 0) + (migration.sendsSelect ? 1 : 0) + sent.count
        guard let migrateOutput else {
            migrateCompleted(id, .unresolvable)
            return
        }
        migrateOutput(MigrateExchange(id: id, host: migration.host, port: migration.port, reuse: lastDB != nil, bytes: Array(bytes.readableBytesView),
                                      replies: replies, timeoutMilliseconds: migration.timeout))
    }

    /// The server's answer to an exchange: keys acknowledged go (unless
    /// COPY), errors are reported, a socket error before any reply retries once.
    public func migrateCompleted(_ id: Int, _ result: MigrateExchangeResult) {
        now = clock.milliseconds()
        guard let (migration, mayRetry) = pendingMigrations.removeValue(forKey: id) else { return }
        let client = migration.client
        var lines: [String] = []
        var socketError = false, timedOut = false, writing = false
        switch result {
        case .replies(let all): lines = all
        case .unresolvable:
            migrateTargets[migration.target] = nil
            return finishMigration(client) { $0.fail(client, "IOERR error or timeout connecting to the client") }
        case .connectFailed(let didTimeOut):
            socketError = true
            timedOut = didTimeOut
            writing = true
        case .failed(let read, let didTimeOut, let duringWrite):
            lines = read
            socketError = true
            timedOut = didTimeOut
            writing = duringWrite
        }
        let preamble = (migration.password != nil ? 1 : 0) + (migration.sendsSelect ? 1 : 0)
        // Nothing of the keys' answers read: the cached connection was stale
        // (a retry on a fresh one), or the target is gone.
        if socketError && lines.count <= preamble {
            migrateTargets[migration.target] = nil
            migrateOutputClose?(migration.target)
            if mayRetry && !timedOut {
                migrationHolder = nil
                return startMigration(migration, mayRetry: false)
            }
            return finishMigration(client) { $0.fail(client, "IOERR error or timeout \(writing ? "writing" : "reading") to target instance") }
        }
        let authReply = migration.password != nil ? lines.first : nil
        let selectReply = migration.sendsSelect ? lines[migration.password != nil ? 1 : 0] : nil
        var targetError: String?
        var deleted: [[UInt8]] = []
        for (position, key) in migration.keys.enumerated() {
            let index = preamble + position
            guard index < lines.count else { break }
            let reply = lines[index]
            if authReply?.hasPrefix("-") == true || selectReply?.hasPrefix("-") == true || reply.hasPrefix("-") {
                if targetError == nil {
                    migrateTargets[migration.target] = -1
                    let source = authReply?.hasPrefix("-") == true ? authReply! : selectReply?.hasPrefix("-") == true ? selectReply! : reply
                    targetError = String(source.dropFirst())
                }
            } else if !migration.copy {
                delete(client.db, key)
                notify(.generic, "del", key, db: client.db)
                deleted.append(key)
            }
        }
        // The reply comes after the command's call(): its effect, one DEL of the keys moved, goes out here.
        if !deleted.isEmpty {
            alsoPropagate(client.db, [Array("DEL".utf8)] + deleted)
            propagatePending()
        }
        if socketError {
            migrateTargets[migration.target] = nil
            migrateOutputClose?(migration.target)
        }
        finishMigration(client) { engine in
            if let targetError {
                engine.fail(client, "ERR Target instance replied with error: \(targetError)")
            } else if socketError {
                engine.fail(client, "IOERR error or timeout \(writing ? "writing" : "reading") to target instance")
            } else {
                engine.migrateTargets[migration.target] = migration.db
                client.reply.ok()
            }
        }
    }

    private func finishMigration(_ client: ClientSession, _ reply: (NodeEngine) -> Void) {
        reply(self)
        client.awaitingMigration = false
        migrationHolder = nil
        clusterBeforeSleep()
        client.wake?()
        if pauseUntil <= now && !postponedClients.isEmpty { unpause() }
    }

    /// The server closed an idle cached connection (10 s unused).
    public func migrateConnectionClosed(_ target: String) {
        migrateTargets[target] = nil
    }
}
