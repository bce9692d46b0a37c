/// `X HELP` for every command the engine has whose 7.0.15 namesake has a
/// HELP subcommand, with redis-server's captured text (HelpTexts).
extension CommandTable {
    func registerHelpSubcommands() {
        for (container, lines) in HelpTexts.byCommand where entry(named: container)?.isContainer == true
            && entry(named: "\(container)|help") == nil {
            register("\(container)|help") { e, c, a in e.replyHelp(c, a, lines) }
        }
    }
}

extension NodeEngine {
    /// addReplySubcommandSyntaxError: the subcommand as the client typed it.
    func subcommandSyntaxError(_ c: ClientSession, _ a: Arguments) {
        fail(c, "ERR unknown subcommand or wrong number of arguments for '\(a.string(1).prefix(128))'. Try \(a.string(0).uppercased()) HELP.")
    }

    /// addReplyHelp: the header, the lines, then HELP's own entry.
    func replyHelp(_ c: ClientSession, _ a: Arguments, _ lines: [String]) {
        c.reply.array(lines.count + 3)
        c.reply.simple("\(a.string(0).uppercased()) <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
        for line in lines { c.reply.simple(line) }
        c.reply.simple("HELP")
        c.reply.simple("    Prints this help.")
    }
}
