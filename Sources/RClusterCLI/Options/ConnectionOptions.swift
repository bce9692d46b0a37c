import ArgumentParser
import RedisClient

#if canImport(Glibc)
import Glibc
#endif

/// How to reach and authenticate to nodes; the same spellings as redis-cli.
struct ConnectionOptions: ParsableArguments {
    @Option(name: [.customShort("a"), .customLong("pass")],
            help: "Password for every node (visible in the process list: prefer REDISCLI_AUTH or --askpass).")
    var password: String?

    @Option(help: "ACL user name, used with the password.")
    var user: String?

    @Flag(help: "Prompt for the password on the terminal, without echo.")
    var askpass = false

    @Flag(help: "Do not warn that -a leaks the password into the process list.")
    var noAuthWarning = false

    @Option(help: "Milliseconds to wait for a TCP connection to a node.")
    var connectTimeout: Int64 = 2_000

    @Option(help: "Milliseconds to wait for a node's reply to a command.")
    var commandTimeout: Int64 = 10_000

    @Flag(name: .customLong("resp3"), help: "Speak RESP3 (HELLO 3) instead of RESP2.")
    var resp3 = false

    func validate() throws {
        guard connectTimeout > 0, commandTimeout > 0 else {
            throw ValidationError("--connect-timeout and --command-timeout must be positive milliseconds")
        }
        if askpass && password != nil {
            throw ValidationError("use either -a/--pass or --askpass, not both")
        }
    }

    /// Resolves the password in redis-cli's order: --askpass, -a, REDISCLI_AUTH.
    func makeOptions(terminal: Terminal) throws -> RedisConnectionOptions {
        var secret = password
        if password != nil && !noAuthWarning {
            terminal.warn("Warning: Using a password with '-a' or '--pass' on the command line may not be safe: other users can read it in the process list. Prefer REDISCLI_AUTH or --askpass.")
        }
        if askpass {
            guard let typed = terminal.readSecret(prompt: "Please input password: ") else {
                throw ValidationError("--askpass needs a terminal to read the password from")
            }
            secret = typed
        }
        if secret == nil { secret = terminal.environment["REDISCLI_AUTH"] }
        if user != nil && secret == nil {
            throw ValidationError("--user \(user!) needs a password: add -a, --askpass or REDISCLI_AUTH")
        }
        return RedisConnectionOptions(
            connectTimeoutMilliseconds: connectTimeout, commandTimeoutMilliseconds: commandTimeout,
            auth: secret.map { RedisAuth(username: user, password: $0) },
            protocolVersion: resp3 ? .resp3 : .resp2)
    }
}
