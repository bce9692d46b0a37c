import ArgumentParser
import ClusterAdmin
import ClusterModel
import RedisClient

/// What every command that talks to a live cluster shares: the terminal, the
/// connection options, and turning failures into a message plus exit code 1.
struct ClusterCommandContext {
    let terminal: Terminal
    let options: RedisConnectionOptions

    init(connection: ConnectionOptions) throws {
        terminal = Terminal()
        options = try connection.makeOptions(terminal: terminal)
    }

    init(terminal: Terminal, options: RedisConnectionOptions) {
        self.terminal = terminal
        self.options = options
    }

    func loadSnapshot(from address: NodeAddress) async throws -> ClusterSnapshot {
        do {
            return try await ClusterLoader(options: options).load(from: address)
        } catch {
            throw fail(error.description)
        }
    }

    /// Prints `[ERR] message` on stderr and returns the exit to throw.
    func fail(_ message: String) -> ExitCode {
        terminal.warn("[ERR] \(message)")
        return .failure
    }
}
