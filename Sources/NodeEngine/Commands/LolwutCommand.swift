/// LOLWUT [VERSION v]: 7.0.15 has no art of its own and prints its version.
enum LolwutCommand {
    static let all: [(String, CommandHandler)] = [("lolwut", lolwut)]

    static func lolwut(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        if a.count >= 3 && a.isWord(1, "version") {
            guard e.integerArgument(c, a, 2, in: Int64.min...Int64.max) != nil else { return }
        }
        c.reply.verbatim("Redis ver. \(EngineVersion.redisVersion)\n")
    }
}
