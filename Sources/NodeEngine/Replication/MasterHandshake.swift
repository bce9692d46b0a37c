/// A replica's handshake with its master, as a 7.0 replica performs it:
/// PING, then AUTH and the REPLCONFs without waiting between them, their
/// replies in order, then PSYNC. Pure: lines in, what to do out.
struct MasterHandshake {
    enum Step: Equatable { case start, waitPong, waitReplies(Int), waitPSYNC, done }
    enum Outcome: Equatable {
        case send([String])
        case wait
        case fullResync(id: String, offset: Int64)
        case continued(newID: String?)
        /// Try again later (the master is loading or has no link itself).
        case retry(String)
        case fail(String)
    }

    private(set) var step = Step.start
    /// What PSYNC asks for: the history this node has, and one past its offset.
    let psyncID: String
    let psyncOffset: Int64
    let authentication: (user: String?, password: String)?
    let listeningPort: Int
    let announcedIP: String?
    private var authPending = false

    init(psyncID: String, psyncOffset: Int64, authentication: (user: String?, password: String)?, listeningPort: Int,
         announcedIP: String?) {
        self.psyncID = psyncID
        self.psyncOffset = psyncOffset
        self.authentication = authentication
        self.listeningPort = listeningPort
        self.announcedIP = announcedIP
    }

    /// The connection is up: the first command.
    mutating func connected() -> Outcome {
        step = .waitPong
        return .send(Self.encode(["PING"]))
    }

    /// One reply line from the master (without its CRLF).
    mutating func received(_ line: String) -> Outcome {
        switch step {
        case .start, .done:
            return .wait
        case .waitPong:
            if line.hasPrefix("-") && !line.hasPrefix("-NOAUTH") && !line.hasPrefix("-NOPERM")
                && !line.hasPrefix("-ERR operation not permitted") {
                return .fail("Error reply to PING from master: '\(line)'")
            }
            var commands: [[String]] = []
            if let authentication {
                commands.append(["AUTH"] + (authentication.user.map { [$0] } ?? []) + [authentication.password])
                authPending = true
            }
            commands.append(["REPLCONF", "listening-port", String(listeningPort)])
            if let announcedIP { commands.append(["REPLCONF", "ip-address", announcedIP]) }
            commands.append(["REPLCONF", "capa", "eof", "capa", "psync2"])
            step = .waitReplies(commands.count)
            return .send(commands.map(Self.encode).flatMap { $0 })
        case .waitReplies(let remaining):
            if authPending {
                authPending = false
                if line.hasPrefix("-") { return .fail("Unable to AUTH to MASTER: \(line)") }
            }
            // REPLCONF errors are tolerated: an older master may not know an option.
            if remaining > 1 {
                step = .waitReplies(remaining - 1)
                return .wait
            }
            step = .waitPSYNC
            return .send(Self.encode(["PSYNC", psyncID, String(psyncOffset)]))
        case .waitPSYNC:
            if line.isEmpty { return .wait }  // the master's keepalive while it prepares the snapshot
            if line.hasPrefix("+FULLRESYNC") {
                let parts = line.split(separator: " ")
                guard parts.count == 3, parts[1].count == 40, let offset = Int64(parts[2]) else {
                    return .fail("Master replied with wrong +FULLRESYNC syntax: '\(line)'")
                }
                step = .done
                return .fullResync(id: String(parts[1]), offset: offset)
            }
            if line.hasPrefix("+CONTINUE") {
                step = .done
                let parts = line.split(separator: " ")
                return .continued(newID: parts.count == 2 && parts[1].count == 40 ? String(parts[1]) : nil)
            }
            if line.hasPrefix("-NOMASTERLINK") || line.hasPrefix("-LOADING") {
                return .retry("Master is currently unable to PSYNC but should be in the future: \(line)")
            }
            return .fail("Unexpected reply to PSYNC from master: \(line)")
        }
    }

    /// Commands as the replica sends them: RESP arrays.
    static func encode(_ words: [String]) -> [String] {
        ["*\(words.count)\r\n" + words.map { "$\($0.utf8.count)\r\n\($0)\r\n" }.joined()]
    }
}
