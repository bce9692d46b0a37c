/// A whole RDB file (rdbLoadRio): magic and version, AUX fields, SELECTDB,
/// RESIZEDB, expire times, LRU/LFU hints and key/value pairs, EOF, then the
/// CRC-64. Versions 1 to 10 (Redis 7.0 writes 10, 6.x writes 9).
public enum RDBFileReader {
    public struct Entry {
        public let database: Int
        public let key: [UInt8]
        public let value: RDBValue
        /// Unix milliseconds.
        public let expireAt: Int64?
    }

    /// Why a file cannot be loaded, and at which byte.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case notAnRDBFile
        case unsupportedVersion(Int)
        case checksumMismatch(stored: UInt64, computed: UInt64)
        /// Something this server cannot hold: modules, 7.2's streams.
        case unsupported(offset: Int, String)
        case damaged(offset: Int, RDBError)
        /// The caller refused an entry (a database index out of range, ...).
        case refused(offset: Int, String)

        public var description: String {
            switch self {
            case .notAnRDBFile: "it does not start with REDIS and a version number: not an RDB file"
            case .unsupportedVersion(let version): "RDB version \(version) is newer than this server reads (1 to 10)"
            case .checksumMismatch(let stored, let computed):
                "the CRC-64 stored at its end (\(String(stored, radix: 16))) does not match its content (\(String(computed, radix: 16))): the file is damaged"
            case .unsupported(let offset, let what), .refused(let offset, let what): "byte \(offset): \(what)"
            case .damaged(let offset, let error): "byte \(offset): \(error)"
            }
        }
    }

    static let newestVersion = 10

    /// Reads `bytes`, handing each key to `entry` in file order (an error
    /// string from it stops the load); returns the AUX fields.
    /// `library` gets each function library's payload (an error string stops the load).
    @discardableResult
    public static func read(_ bytes: [UInt8], library: ([UInt8]) -> String? = { _ in nil },
                            entry: (Entry) -> String?) throws(Failure) -> [(String, String)] {
        try readPrefix(bytes, library: library, entry: entry).aux
    }

    /// read(_:entry:) of a file that may go on after the RDB (an AOF with an
    /// RDB preamble): the AUX fields and the RDB's length, checksum included.
    public static func readPrefix(_ bytes: [UInt8], library: ([UInt8]) -> String? = { _ in nil },
                                  entry: (Entry) -> String?) throws(Failure) -> (aux: [(String, String)], length: Int) {
        guard bytes.count >= 9, bytes[0..<5].elementsEqual("REDIS".utf8),
              let version = Int(String(decoding: bytes[5..<9], as: UTF8.self)), version >= 1 else { throw .notAnRDBFile }
        guard version <= newestVersion else { throw .unsupportedVersion(version) }
        var reader = RDBObjectReader(bytes, offset: 9)
        var aux: [(String, String)] = []
        var database = 0
        var expireAt: Int64?
        while true {
            let start = reader.offset
            var pair: Entry?
            var unsupported: String?
            var refusal: String?
            var ended = false
            do throws(RDBError) {
                let opcode = try reader.byte()
                switch opcode {
                case 0xFF: ended = true  // EOF
                case 0xFE: database = try reader.readCount()  // SELECTDB
                case 0xFB: _ = (try reader.readCount(), try reader.readCount())  // RESIZEDB: table sizes only
                case 0xFA:  // AUX
                    let key = try reader.readString(), value = try reader.readString()
                    aux.append((String(decoding: key, as: UTF8.self), String(decoding: value, as: UTF8.self)))
                case 0xFC: expireAt = Int64(bitPattern: littleEndian(try reader.bytes(8)))  // EXPIRETIME_MS
                case 0xFD: expireAt = Int64(littleEndian(try reader.bytes(4))) * 1000  // EXPIRETIME, seconds
                case 0xF9: _ = try reader.byte()  // FREQ (LFU counter)
                case 0xF8: _ = try reader.readCount()  // IDLE (LRU seconds)
                case 0xF7: unsupported = "module data (MODULE_AUX): this server loads no modules"
                case FunctionRecords.function2, FunctionRecords.preGAFunction:
                    switch FunctionRecords.readRecord(opcode, &reader) {
                    case .success(let payload): refusal = library(payload).map { "a function library: " + $0 }
                    case .failure(let error): throw RDBError.malformed(error.message)
                    }
                default:
                    let key = try reader.readString()
                    pair = Entry(database: database, key: key, value: try reader.readObject(ofType: opcode), expireAt: expireAt)
                    expireAt = nil
                }
            } catch {
                if case .unsupportedType(let type) = error { throw .unsupported(offset: start, unsupportedTypeName(type)) }
                throw .damaged(offset: reader.offset, error)
            }
            if let unsupported { throw .unsupported(offset: start, unsupported) }
            if let refusal { throw .refused(offset: start, refusal) }
            if ended {
                try verifyChecksum(bytes, end: reader.offset, version: version)
                return (aux, reader.offset + (version >= 5 ? 8 : 0))
            }
            if let pair, let refusal = entry(pair) { throw .refused(offset: start, refusal) }
        }
    }

    static func unsupportedTypeName(_ type: UInt8) -> String {
        switch type {
        case 6, 7: "a module's value: this server loads no modules"
        case 21: "a stream in the format of Redis 7.2 (type 21), which 7.0 cannot read"
        default: "object type \(type), which no Redis 7.0 writes"
        }
    }

    private static func verifyChecksum(_ bytes: [UInt8], end: Int, version: Int) throws(Failure) {
        // Version 5 added the checksum; 0 means it was saved with rdbchecksum no.
        guard version >= 5 else { return }
        guard bytes.count >= end + 8 else { throw .damaged(offset: bytes.count, .truncated) }
        let stored = littleEndian(Array(bytes[end..<end + 8]))
        guard stored != 0 else { return }
        let computed = CRC64.checksum(Array(bytes[0..<end]))
        guard computed == stored else { throw .checksumMismatch(stored: stored, computed: computed) }
    }
}
