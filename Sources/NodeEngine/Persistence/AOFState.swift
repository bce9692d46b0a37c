import NIOCore

/// The append-only file's side of propagation: the effects of commands, as
/// RESP, waiting for the server to write them (feedAppendOnlyFile).
struct AOFState {
    var isOn = false
    /// What the next write to the incr file appends.
    var buffer = ByteBuffer()
    /// The DB the file last SELECTed (-1: the next command selects).
    var db = -1
}

extension NodeEngine {
    func aofFeed(db: Int, _ command: ByteBuffer) {
        if aof.db != db {
            Self.encodeCommand([Array("SELECT".utf8), Array(String(db).utf8)], into: &aof.buffer)
            aof.db = db
        }
        aof.buffer.writeImmutableBuffer(command)
    }
}
