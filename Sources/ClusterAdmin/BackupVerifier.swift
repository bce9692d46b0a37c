import ClusterModel
import RDB

/// What a master's RDB in a backup holds, read back before the file is
/// kept: its CRC-64, and its keys counted per slot with the RDB module.
public struct RDBVerification: Sendable, Equatable {
    /// nil when the file's format is newer than the RDB module reads (a
    /// Valkey 8+ file, RDB 11+) or holds what it cannot decode (a stream):
    /// then only the checksum was checked, and `note` says why.
    public let keysBySlot: [Int: Int]?
    public let note: String?
    /// Keys in slots the master did not own when the backup began (a
    /// migration under way), and keys outside DB 0.
    public let keysOutsideOwnedSlots: Int
    public let keysOutsideDatabaseZero: Int

    public var keys: Int? { keysBySlot.map { $0.values.reduce(0, +) } }
}

/// Why a fetched RDB is not a good backup.
public struct RDBVerificationFailure: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}

public enum BackupVerifier {
    /// Checks `bytes` as an RDB file of a master that owned `ownedSlots`.
    public static func verify(_ bytes: [UInt8], ownedSlots: Set<Int>) throws(RDBVerificationFailure) -> RDBVerification {
        let (magic, version) = header(bytes)
        guard let version, magic == "REDIS" || magic == "VALKEY" else {
            throw RDBVerificationFailure(reason: "it does not start with REDIS or VALKEY and a version number: not an RDB file")
        }
        var counts: [Int: Int] = [:]
        var outsideOwned = 0, outsideZero = 0
        do throws(RDBFileReader.Failure) {
            guard magic == "REDIS" else { throw .unsupportedVersion(version) }
            try RDBFileReader.read(bytes) { entry in
                if entry.database != 0 { outsideZero += 1 }
                let slot = entry.key.withUnsafeBytes { HashSlot.slot(of: $0) }
                counts[slot, default: 0] += 1
                if !ownedSlots.contains(slot) { outsideOwned += 1 }
                return nil
            }
        } catch .unsupportedVersion(_), .unsupported(_, _) {
            // Not ours to decode: the trailer's checksum still tells a damaged transfer.
            try verifyTrailer(bytes)
            let what = magic == "REDIS" && version <= 10 ? "a value the RDB module cannot decode (a stream or a module's type)" : "\(magic) RDB version \(version), newer than the RDB module reads"
            return RDBVerification(keysBySlot: nil, note: "checksum only: \(what), so its keys were not counted",
                                   keysOutsideOwnedSlots: 0, keysOutsideDatabaseZero: 0)
        } catch {
            throw RDBVerificationFailure(reason: error.description)
        }
        return RDBVerification(keysBySlot: counts, note: nil, keysOutsideOwnedSlots: outsideOwned, keysOutsideDatabaseZero: outsideZero)
    }

    /// "REDIS0010" -> ("REDIS", 10); "VALKEY080" -> ("VALKEY", 80).
    static func header(_ bytes: [UInt8]) -> (magic: String, version: Int?) {
        let prefix = bytes.prefix(9)
        let letters = prefix.prefix { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }
        let digits = prefix.dropFirst(letters.count)
        guard !digits.isEmpty, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return (String(decoding: letters, as: UTF8.self), nil)
        }
        return (String(decoding: letters, as: UTF8.self), Int(String(decoding: digits, as: UTF8.self)))
    }

    /// The last 8 bytes are the CRC-64 of all before them (0: saved with rdbchecksum no).
    static func verifyTrailer(_ bytes: [UInt8]) throws(RDBVerificationFailure) {
        guard bytes.count > 17 else { throw RDBVerificationFailure(reason: "\(bytes.count) bytes: too short for an RDB file") }
        let end = bytes.count - 8
        let stored = bytes[end...].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard stored != 0 else { return }
        guard bytes[end - 1] == 0xFF else { throw RDBVerificationFailure(reason: "it does not end with the EOF opcode: the transfer was cut") }
        let computed = CRC64.checksum(bytes[0..<end])
        guard computed == stored else {
            throw RDBVerificationFailure(reason: "the CRC-64 stored at its end (\(String(stored, radix: 16))) does not match its content (\(String(computed, radix: 16))): the file is damaged")
        }
    }
}
