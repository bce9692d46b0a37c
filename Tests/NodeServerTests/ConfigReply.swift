import NIOCore
import RESP
import TestSupport

/// A connection to one of the servers of a differential config test, and its port.
final class ConfigTarget {
    let port: Int
    let connection: RawRESPConnection

    init(port: Int) throws {
        self.port = port
        connection = try RawRESPConnection(port: port)
    }
}

/// CONFIG replies, read with the RESP parser.
enum ConfigReply {
    static func value(_ target: ConfigTarget, _ words: [String]) throws -> RESPValue {
        var buffer = ByteBuffer(bytes: try target.connection.command(words))
        guard let value = try RESPParser().next(from: &buffer) else { throw TestSupportError("no reply to \(words)") }
        return value
    }

    /// CONFIG GET's pairs as a dictionary.
    static func map(_ target: ConfigTarget, _ words: [String]) throws -> [String: String] {
        let elements = try value(target, words).elements ?? []
        var map: [String: String] = [:]
        for index in stride(from: 0, to: elements.count - 1, by: 2) {
            map[elements[index].string ?? ""] = elements[index + 1].string ?? ""
        }
        return map
    }

    /// "+OK", or "-" and the error text.
    static func text(_ target: ConfigTarget, _ words: [String]) throws -> String {
        let reply = try value(target, words)
        if let error = reply.errorMessage { return "-" + error }
        return "+" + (reply.string ?? "\(reply)")
    }
}
