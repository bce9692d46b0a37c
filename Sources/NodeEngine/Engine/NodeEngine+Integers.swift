/// Integer arguments checked as object.c checks them, with its messages:
/// the commands' own texts, and the generic ones where they give none.
extension NodeEngine {
    /// getRangeLongFromObjectOrReply: `message` answers both a word that is
    /// not an integer and one out of `range`; without it, each has its
    /// generic text. nil after the error reply.
    func integerArgument(_ client: ClientSession, _ arguments: Arguments, _ index: Int, in range: ClosedRange<Int64>,
                         message: String? = nil) -> Int64? {
        guard let value = arguments.integer(index) else {
            fail(client, "ERR " + (message ?? "value is not an integer or out of range"))
            return nil
        }
        guard range.contains(value) else {
            fail(client, "ERR " + (message ?? "value is out of range, value must between \(range.lowerBound) and \(range.upperBound)"))
            return nil
        }
        return value
    }

    /// getPositiveLongFromObjectOrReply.
    func nonNegativeArgument(_ client: ClientSession, _ arguments: Arguments, _ index: Int, message: String? = nil) -> Int64? {
        integerArgument(client, arguments, index, in: 0...Int64.max, message: message ?? "value is out of range, must be positive")
    }

    /// A count that may be negative (repeats allowed), as HRANDFIELD, SRANDMEMBER and ZRANDMEMBER take it.
    func signedCountArgument(_ client: ClientSession, _ arguments: Arguments, _ index: Int) -> Int64? {
        integerArgument(client, arguments, index, in: -Int64.max...Int64.max)
    }
}
