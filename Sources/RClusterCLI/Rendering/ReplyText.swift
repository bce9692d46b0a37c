import ClusterAdmin
import RESP

/// Replies printed like redis-cli's raw mode: strings as they are, integers as
/// numbers, aggregates one element per line.
enum ReplyText {
    static func raw(_ reply: RESPValue) -> String {
        switch reply {
        case .null, .nullArray, .nullBulkString: return ""
        case .boolean(let flag): return flag ? "1" : "0"
        case .map(let pairs): return pairs.map { "\(raw($0.key))\n\(raw($0.value))" }.joined(separator: "\n")
        default:
            if let items = reply.elements { return items.map(raw).joined(separator: "\n") }
            return reply.string ?? reply.errorMessage ?? ""
        }
    }
}

struct CallOutcomeJSON: Encodable {
    let node: String
    let id: String
    let ok: Bool
    let reply: String?
    let error: String?

    init(_ outcome: NodeCommandRunner.Outcome) {
        node = "\(outcome.node.address)"
        id = outcome.node.id
        switch outcome.result {
        case .success(let value):
            ok = true
            reply = ReplyText.raw(value)
            error = nil
        case .failure(let failure):
            ok = false
            reply = nil
            error = failure.serverError?.message ?? failure.description
        }
    }
}
