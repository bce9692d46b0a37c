import RDB

/// FUNCTION for a node that loads no libraries (Lua is not part of the
/// engine yet): FLUSH, LIST and DUMP answer as an empty redis-server 7.0
/// does, and RESTORE takes an empty payload (what add-node copies from a
/// cluster without functions) and refuses libraries it cannot run.
enum FunctionCommands {
    static let all: [(String, CommandHandler)] = [
        ("function|flush", flush), ("function|list", list), ("function|dump", dump), ("function|restore", restore),
    ]

    static func flush(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard a.count <= 3, a.count == 2 || a.isWord(2, "sync") || a.isWord(2, "async") else {
            return e.fail(c, "ERR FUNCTION FLUSH only supports SYNC|ASYNC option")
        }
        c.reply.ok()
    }

    static func list(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        var index = 2
        while index < a.count {
            if a.isWord(index, "withcode") {
                index += 1
            } else if a.isWord(index, "libraryname") && index + 1 < a.count {
                index += 2
            } else {
                return e.fail(c, "ERR Unknown argument \(a.string(index))")
            }
        }
        c.reply.emptyArray()
    }

    /// No libraries: just the footer.
    static func dump(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        c.reply.bulk(DumpPayload.sealed([]))
    }

    static func restore(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard a.count <= 4 else { return e.fail(c, "ERR unknown subcommand or wrong number of arguments for 'RESTORE'. Try FUNCTION HELP.") }
        if a.count == 4 && !(a.isWord(3, "append") || a.isWord(3, "replace") || a.isWord(3, "flush")) {
            return e.fail(c, "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.")
        }
        guard let libraries = DumpPayload.verifiedBody(a[2]) else { return e.fail(c, "ERR DUMP payload version or checksum are wrong") }
        guard libraries.isEmpty else {
            return e.fail(c, "ERR this node runs no Lua: rcluster's engine cannot load function libraries")
        }
        c.reply.ok()
    }
}
