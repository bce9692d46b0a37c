import ArgumentParser
import ClusterModel

/// `host:port` on the command line: IPv4, hostnames, `[::1]:7000` and `::1:7000`.
struct NodeAddressArgument: ExpressibleByArgument, Sendable {
    let address: NodeAddress

    init?(argument: String) {
        guard let address = try? NodeAddress(parsing: argument) else { return nil }
        self.address = address
    }

    /// Parses with a message that says what is wrong, for `validate()`.
    static func parse(_ text: String) throws -> NodeAddress {
        do {
            return try NodeAddress(parsing: text)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
