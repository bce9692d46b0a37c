import ClusterModel
import Testing

@Suite struct NodeAddressTests {
    @Test(arguments: [
        ("127.0.0.1:7000", "127.0.0.1", 7000, "127.0.0.1:7000"),
        ("redis-1.example.com:6379", "redis-1.example.com", 6379, "redis-1.example.com:6379"),
        ("[::1]:7000", "::1", 7000, "[::1]:7000"),
        ("::1:7000", "::1", 7000, "[::1]:7000"),
        ("[fe80::1%eth0]:7001", "fe80::1%eth0", 7001, "[fe80::1%eth0]:7001"),
        (" localhost:1 ", "localhost", 1, "localhost:1"),
    ])
    func parses(text: String, host: String, port: Int, printed: String) throws {
        let address = try NodeAddress(parsing: text)
        #expect(address.host == host)
        #expect(address.port == port)
        #expect(address.description == printed)
        #expect(try NodeAddress(parsing: address.description) == address)
    }

    @Test(arguments: [
        ("localhost", NodeAddressError.Reason.missingPort),
        (":7000", .missingHost),
        ("7000", .missingHost),
        ("[::1:7000", .unclosedBracket),
        ("[::1]7000", .missingPort),
        ("host:0", .invalidPort("0")),
        ("host:65536", .invalidPort("65536")),
        ("host:port", .invalidPort("port")),
    ])
    func refusesWithAReason(text: String, reason: NodeAddressError.Reason) {
        #expect(throws: NodeAddressError.self) { try NodeAddress(parsing: text) }
        do {
            _ = try NodeAddress(parsing: text)
        } catch {
            #expect(error.reason == reason)
            #expect(error.description.contains(text))
        }
    }
}
