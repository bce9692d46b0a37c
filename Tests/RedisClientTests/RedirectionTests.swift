import ClusterModel
import RedisClient
import Testing

@Suite struct RedirectionTests {
    @Test(arguments: [
        ("MOVED 3999 127.0.0.1:6381", Redirection.moved(slot: 3999, to: NodeAddress(host: "127.0.0.1", port: 6381))),
        ("ASK 3999 127.0.0.1:6381", .ask(slot: 3999, to: NodeAddress(host: "127.0.0.1", port: 6381))),
        ("MOVED 1 ::1:7000", .moved(slot: 1, to: NodeAddress(host: "::1", port: 7000))),
        ("MOVED 1 node-a.example:7000", .moved(slot: 1, to: NodeAddress(host: "node-a.example", port: 7000))),
        ("MOVED 16383 :7000", .moved(slot: 16383, to: NodeAddress(host: "", port: 7000))),
    ])
    func parses(message: String, expected: Redirection) {
        #expect(RedisServerError(message: message).redirection == expected)
        #expect(RedisServerError(message: message).code == String(message.prefix { $0 != " " }))
    }

    @Test(arguments: ["MOVED", "MOVED x 1.2.3.4:1", "MOVED 16384 h:1", "ERR MOVED 1 h:1", "MOVED 1 nohostport"])
    func refusesOtherErrors(message: String) {
        #expect(RedisServerError(message: message).redirection == nil)
    }
}
