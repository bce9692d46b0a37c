import NIOCore
@testable import NodeEngine
import RESP

/// Engines wired by an in-memory bus: one clock the test moves, links that
/// connect and deliver in order, and nodes the test can cut off. The bus
/// logic runs exactly as it does behind sockets, in microseconds.
final class SimulatedCluster {
    struct Endpoint: Hashable {
        let node: Int
        let link: Int
    }

    private enum Event {
        case connect(Endpoint, busPort: Int)
        case deliver(Endpoint, [UInt8])
        case close(Endpoint)
    }

    let clock = ManualClock()
    private(set) var engines: [NodeEngine] = []
    private var clients: [ClientSession] = []
    /// A second client per node, for commands while the first is blocked.
    private var otherClients: [ClientSession] = []
    private var peers: [Endpoint: Endpoint] = [:]
    private var events: [Event] = []
    /// Nodes whose links fail to connect and whose traffic is dropped.
    var isolated: Set<Int> = []
    /// Nodes that stop reading: what is sent to them waits on the sender's link.
    var stalled: Set<Int> = []
    private var held: [Endpoint: [[UInt8]]] = [:]

    init(nodes: Int, basePort: Int = 30000, directives: [String] = []) throws {
        for index in 0..<nodes {
            var config = ServerConfig()
            let port = basePort + index
            try config.load(fileText: "", commandLine: ["--cluster-enabled", "yes", "--port", "\(port)",
                                                        "--cluster-node-timeout", "5000"] + directives, fileName: "test")
            let engine = NodeEngine(config: config, clock: clock, seed: UInt64(index + 1) * 7919)
            engine.port = port
            try engine.startCluster(configText: nil)
            engine.busOutput = { [unowned self] action in self.handle(action, from: index) }
            engine.busLinkPendingBytes = { [unowned self] link in
                self.held[Endpoint(node: index, link: link)]?.reduce(0) { $0 + $1.count } ?? 0
            }
            engines.append(engine)
            clients.append(engine.connect(address: "127.0.0.1:5000\(index)", localAddress: "127.0.0.1:\(port)", isLoopback: true))
            otherClients.append(engine.connect(address: "127.0.0.1:5100\(index)", localAddress: "127.0.0.1:\(port)", isLoopback: true))
        }
    }

    func port(_ node: Int) -> Int { engines[node].port }

    /// One command on node `node`'s client; its reply as text.
    @discardableResult
    func run(_ node: Int, _ words: String...) -> String { run(node, words) }

    func run(_ node: Int, _ words: [String], otherClient: Bool = false) -> String {
        var inbound = ByteBuffer()
        RESPEncoder.encodeCommand(words.map { ByteBuffer(string: $0) }, into: &inbound)
        let client = otherClient ? otherClients[node] : clients[node]
        _ = engines[node].process(client, inbound: &inbound)
        pump()
        return client.takeReplies().map { String(buffer: $0) } ?? ""
    }

    /// What node `node`'s client has been sent since the last look.
    func replies(_ node: Int) -> String {
        clients[node].takeReplies().map { String(buffer: $0) } ?? ""
    }

    /// Moves time on in cron steps (100 ms), running every node's cron.
    func advance(milliseconds: Int64) {
        var left = milliseconds
        while left > 0 {
            let step = min(left, NodeEngine.clusterCronMilliseconds)
            clock.advance(milliseconds: step)
            for engine in engines { engine.clusterCron() }
            pump()
            left -= step
        }
    }

    /// Raw bytes into one of node `node`'s links, as a peer would send them.
    func inject(_ bytes: [UInt8], node: Int, link: Int) {
        engines[node].busReceived(link, bytes)
        pump()
    }

    func links(of node: Int) -> [Int] { peers.keys.filter { $0.node == node }.map(\.link) }

    private func handle(_ action: BusAction, from node: Int) {
        switch action {
        case .connect(let link, _, let port): events.append(.connect(Endpoint(node: node, link: link), busPort: port))
        case .send(let link, let bytes): events.append(.deliver(Endpoint(node: node, link: link), bytes))
        case .close(let link): events.append(.close(Endpoint(node: node, link: link)))
        }
    }

    private func pump() {
        var budget = 100_000
        while !events.isEmpty && budget > 0 {
            budget -= 1
            let event = events.removeFirst()
            switch event {
            case .connect(let from, let busPort):
                guard let target = engines.firstIndex(where: { $0.port + 10000 == busPort }),
                      !isolated.contains(target), !isolated.contains(from.node) else {
                    engines[from.node].busLinkClosed(from.link)
                    continue
                }
                let accepted = Endpoint(node: target, link: engines[target].busLinkAccepted(localIP: "127.0.0.1", peerIP: "127.0.0.1"))
                peers[from] = accepted
                peers[accepted] = from
                engines[from.node].busLinkConnected(from.link, localIP: "127.0.0.1")
            case .deliver(let from, let bytes):
                guard let to = peers[from], !isolated.contains(from.node), !isolated.contains(to.node) else { continue }
                if stalled.contains(to.node) {
                    held[from, default: []].append(bytes)
                    continue
                }
                engines[to.node].busReceived(to.link, bytes)
            case .close(let from):
                held[from] = nil
                guard let to = peers.removeValue(forKey: from) else { continue }
                peers[to] = nil
                engines[to.node].busLinkClosed(to.link)
            }
        }
    }

    /// Cuts node `node` off: its links close, new ones fail.
    func isolate(_ node: Int) {
        isolated.insert(node)
        for (from, to) in peers where from.node == node {
            peers[from] = nil
            peers[to] = nil
            engines[from.node].busLinkClosed(from.link)
            engines[to.node].busLinkClosed(to.link)
        }
    }

    func heal(_ node: Int) { isolated.remove(node) }
}
