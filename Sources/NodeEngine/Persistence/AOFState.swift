import NIOCore

/// The append-only file's state (redis-server's aof_* fields): whether it is
/// on, the effects of commands as RESP waiting for the server to write them
/// (feedAppendOnlyFile), the manifest, sizes, fsync bookkeeping and the
/// rewrite underway.
struct AOFState {
    enum Status { case off, on, waitRewrite }
    enum FsyncPolicy: String { case always, everysec, no }

    var status = Status.off
    /// Effects are collected: on, or waiting for the first rewrite while it
    /// runs (its temporary incr file takes them). Read on every command.
    var isOn = false
    /// What the next write to the incr file appends.
    var buffer = ByteBuffer()
    /// The DB the file last SELECTed (-1: the next command selects).
    var db = -1
    /// aof-timestamp-enabled, and the second of the last `#TS:` annotation.
    var timestamps = false
    /// appendfsync, read after every write.
    var fsyncPolicy = FsyncPolicy.everysec
    var timestamp: Int64 = 0

    var manifest = AOFManifest()
    /// An incr file is open for appending (aof_fd != -1).
    var fileOpen = false
    /// Bytes of the incr file being appended to, and how many of them are fsynced.
    var lastIncrementalSize: Int64 = 0
    var lastIncrementalSyncOffset: Int64 = 0
    /// The base and incr files' bytes; the same when the last rewrite ended.
    var currentSize: Int64 = 0
    var rewriteBaseSize: Int64 = 0
    /// Unix seconds of the last fsync (started), of the first postponed write.
    var lastSync: Int64 = 0
    var flushPostponedStart: Int64 = 0
    var delayedSyncs = 0
    /// A write failed (aof_last_write_status err): errno's text. Writes are refused meanwhile.
    var writeFailure: String?
    var lastWriteErrorLog: Int64 = 0
    /// What processCommand refuses writes with (a write or background fsync
    /// failure), refreshed after each write: read on every command.
    var diskError: String?

    /// The rewrite underway: the snapshot is taken when it starts (no fork),
    /// only the file is written in the background.
    var rewrite: (id: Int, startedAt: Int64, temporaryName: String)?
    var nextRewriteID = 1
    var rewriteScheduled = false
    var lastRewriteSeconds: Int64 = -1
    var lastRewriteOK = true
    var rewrites = 0
    var consecutiveFailures = 0
    /// aofRewriteLimited's backoff after repeated failures.
    var limitDelayMinutes: Int64 = 0
    var nextRewriteTime: Int64 = 0
    /// Commands of an AOF are being applied: keys do not expire meanwhile.
    var loading = false

    mutating func updateFeeding() {
        isOn = status == .on || (status == .waitRewrite && rewrite != nil)
    }
}

extension NodeEngine {
    /// feedAppendOnlyFile: a `#TS:` annotation each new second (when
    /// enabled), SELECT where the DB changes, then the command.
    func aofFeed(db: Int, _ command: ByteBuffer) {
        let wasEmpty = aof.buffer.readableBytes == 0
        if aof.timestamps, aof.timestamp < now / 1000 {
            aof.timestamp = now / 1000
            aof.buffer.writeString("#TS:\(aof.timestamp)\r\n")
        }
        if aof.db != db {
            Self.encodeCommand([Array("SELECT".utf8), Array(String(db).utf8)], into: &aof.buffer)
            aof.db = db
        }
        aof.buffer.writeImmutableBuffer(command)
        if wasEmpty { appendOnlyStore?.dataPending() }
    }
}
