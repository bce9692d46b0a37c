import Foundation
import NIOCore
import RESP

/// What redis-server 7.0.15 says about each command (COMMAND INFO / DOCS),
/// captured byte for byte: replayed for COMMAND, and the source of arity,
/// flags and key positions for dispatch.
enum CommandMetadata {
    struct Info {
        let name: String
        let arity: Int
        let flags: Set<String>
        let firstKey: Int
        let lastKey: Int
        let step: Int
        /// ACL categories without their "@" ("write", "string", ...).
        let categories: [String]
        let keySpecs: [KeySpec]
        let info2: [UInt8]
        let info3: [UInt8]
        let docs2: [UInt8]
        let docs3: [UInt8]
    }

    /// By full lowercase name ("get", "config|get").
    static let byName: [String: Info] = {
        var table: [String: Info] = [:]
        for row in captured {
            let info2 = unwrap(row.info2), info3 = unwrap(row.info3)
            var buffer = ByteBuffer(bytes: info2)
            guard let value = try? RESPParser().next(from: &buffer), let fields = value.elements, fields.count >= 6 else { continue }
            let flags = Set((fields[2].elements ?? []).compactMap(\.string))
            let categories = fields.count > 6 ? (fields[6].elements ?? []).compactMap(\.string).map { String($0.dropFirst()) } : []
            let keySpecs = fields.count > 8 ? (fields[8].elements ?? []).compactMap(KeySpec.init) : []
            table[row.name] = Info(name: row.name, arity: Int(fields[1].int ?? 0), flags: flags,
                                   firstKey: Int(fields[3].int ?? 0), lastKey: Int(fields[4].int ?? 0), step: Int(fields[5].int ?? 0),
                                   categories: categories, keySpecs: keySpecs,
                                   info2: info2, info3: info3, docs2: unwrapMap(row.docs2), docs3: unwrapMap(row.docs3))
        }
        return table
    }()

    /// The captured COMMAND INFO replies are one-element arrays: the element's bytes.
    private static func unwrap(_ base64: String) -> [UInt8] {
        let bytes = [UInt8](Data(base64Encoded: base64) ?? Data())
        guard let firstLineEnd = bytes.firstIndex(of: 10) else { return [] }
        return Array(bytes[(firstLineEnd + 1)...])
    }

    /// COMMAND DOCS replies are one-pair maps: the pair's bytes (name, then docs).
    private static func unwrapMap(_ base64: String) -> [UInt8] { unwrap(base64) }
}
