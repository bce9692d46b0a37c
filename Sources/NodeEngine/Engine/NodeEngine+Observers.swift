/// MONITOR and SLOWLOG: what the engine tells observers about the commands it runs.
struct SlowlogEntry {
    let id: Int64
    let time: Int64
    let duration: Int64
    let arguments: [[UInt8]]
    let address: String
    let name: [UInt8]
}

extension NodeEngine {
    static let redactedWord = Array("(redacted)".utf8)

    /// redactClientCommandArgument: argument `index` of the command running
    /// (a password) shows as "(redacted)" in MONITOR and the slow log.
    func redact(_ index: Int) { redactedArguments.insert(index) }

    /// After a command ran: monitors see it (unless admin or skip-monitor),
    /// and the slow log keeps it when it took longer than the threshold.
    func observe(_ entry: CommandEntry, _ client: ClientSession, _ arguments: Arguments, started: Int64, duration: Int64) {
        if !entry.flags.contains(.admin) && !entry.flags.contains(.skipMonitor) {
            feedMonitors(client, arguments, at: started)
        }
        if slowlogThreshold >= 0 && duration >= slowlogThreshold && !entry.flags.contains(.skipSlowlog) {
            recordSlow(client, arguments, started: started, duration: duration)
        }
    }

    /// replicationFeedMonitors: the command's line to every monitor but its sender.
    func feedMonitors(_ client: ClientSession, _ arguments: Arguments, at time: Int64) {
        guard !monitors.isEmpty else { return }
        var line = "+\(time / 1_000_000).\(String(time % 1_000_000).leftPadded(6)) [\(client.db) \(client.address)] "
        line += (0..<arguments.count).map {
            ServerConfig.representation(bytes: redactedArguments.contains($0) ? Self.redactedWord : arguments[$0])
        }.joined(separator: " ")
        line += "\r\n"
        let bytes = Array(line.utf8)
        for monitor in monitors where monitor !== client {
            monitor.reply.raw(bytes)
            monitor.wake?()
        }
    }

    private func recordSlow(_ client: ClientSession, _ arguments: Arguments, started: Int64, duration: Int64) {
        let kept = min(arguments.count, 32)
        var words: [[UInt8]] = []
        for index in 0..<kept {
            if redactedArguments.contains(index) {
                words.append(Self.redactedWord)
                continue
            }
            if kept < arguments.count && index == kept - 1 {
                words.append(Array("... (\(arguments.count - kept + 1) more arguments)".utf8))
                break
            }
            var word = arguments[index]
            if word.count > 128 {
                let more = word.count - 128
                word = Array(word.prefix(128)) + Array("... (\(more) more bytes)".utf8)
            }
            words.append(word)
        }
        slowlog.insert(SlowlogEntry(id: nextSlowlogID, time: started / 1_000_000, duration: duration, arguments: words,
                                    address: client.address, name: client.name ?? []), at: 0)
        nextSlowlogID += 1
        let limit = Int(config.integer("slowlog-max-len"))
        if slowlog.count > limit { slowlog.removeLast(slowlog.count - limit) }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

extension ServerConfig {
    /// sdscatrepr of raw bytes.
    static func representation(bytes: [UInt8]) -> String {
        var text = "\""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\\"): text += "\\\\"
            case UInt8(ascii: "\""): text += "\\\""
            case 10: text += "\\n"
            case 13: text += "\\r"
            case 9: text += "\\t"
            case 7: text += "\\a"
            case 8: text += "\\b"
            case 32...126: text.append(Character(Unicode.Scalar(byte)))
            default:
                let hex = Array("0123456789abcdef")
                text += "\\x\(hex[Int(byte >> 4)])\(hex[Int(byte & 15)])"
            }
        }
        return text + "\""
    }
}
