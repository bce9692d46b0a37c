import ClusterModel
import Foundation
import RedisClient
import NIOCore
import RESP

/// A group of real redis-server cluster nodes on loopback, and ways to build
/// and break a cluster out of them. Always used through `withNodes`, which
/// stops every process when the test ends, passed or failed.
public final class RedisTestCluster: Sendable {
    public let nodes: [RedisServerProcess]

    public var addresses: [NodeAddress] { nodes.map(\.address) }

    init(nodes: [RedisServerProcess]) {
        self.nodes = nodes
    }

    public static func withNodes<T>(_ count: Int, host: String = "127.0.0.1", nodeTimeoutMilliseconds: Int = 5000,
                                    extraArguments: [String] = [], server: TestServer = .redis70,
                                    _ body: (RedisTestCluster) async throws -> T) async throws -> T {
        try await withNodes(hosts: Array(repeating: host, count: count), nodeTimeoutMilliseconds: nodeTimeoutMilliseconds,
                            extraArguments: extraArguments, server: server, body)
    }

    /// One node per entry of `servers` on 127.0.0.1: a cluster of mixed
    /// servers (the engine beside redis-server).
    public static func withNodes<T>(servers: [TestServer], nodeTimeoutMilliseconds: Int = 5000,
                                    _ body: (RedisTestCluster) async throws -> T) async throws -> T {
        await TestLoad.clusters.acquire()
        var started: [RedisServerProcess] = []
        defer { started.forEach { $0.kill(); $0.removeFiles() } }
        do {
            for server in servers {
                started.append(try RedisServerProcess(nodeTimeoutMilliseconds: nodeTimeoutMilliseconds, server: server))
            }
            for node in started { try await node.waitUntilReady() }
            let result = try await body(RedisTestCluster(nodes: started))
            await TestLoad.clusters.release()
            return result
        } catch {
            await TestLoad.clusters.release()
            throw error
        }
    }

    /// One node per entry of `hosts`, each bound to (and sourcing bus traffic
    /// from) that loopback address, so 127.0.0.2 behaves as another machine.
    public static func withNodes<T>(hosts: [String], nodeTimeoutMilliseconds: Int = 5000, extraArguments: [String] = [],
                                    server: TestServer = .redis70, _ body: (RedisTestCluster) async throws -> T) async throws -> T {
        await TestLoad.clusters.acquire()
        var started: [RedisServerProcess] = []
        do {
            for host in hosts {
                started.append(try RedisServerProcess(host: host, nodeTimeoutMilliseconds: nodeTimeoutMilliseconds,
                                                      extraArguments: extraArguments, server: server))
            }
            for node in started { try await node.waitUntilReady() }
            let result = try await body(RedisTestCluster(nodes: started))
            started.forEach { $0.kill(); $0.removeFiles() }
            await TestLoad.clusters.release()
            return result
        } catch {
            started.forEach { $0.kill(); $0.removeFiles() }
            await TestLoad.clusters.release()
            throw error
        }
    }

    /// Creates the cluster with the reference tool, exactly as a user would.
    public func createWithReferenceCLI(replicas: Int, password: String? = nil) async throws {
        var arguments = ["--cluster", "create"] + nodes.map { "\($0.address)" }
        arguments += ["--cluster-replicas", "\(replicas)", "--cluster-yes"]
        var environment: [String: String] = [:]
        if let password { environment["REDISCLI_AUTH"] = password }
        let result = try await ProcessRunner.run("redis-cli", arguments, environment: environment)
        guard result.exitCode == 0, result.stdout.contains("[OK] All 16384 slots covered.") else {
            throw TestSupportError("redis-cli --cluster create failed (\(result.exitCode)):\n\(result.stdout)\n\(result.stderr)")
        }
        try await waitUntilConverged(auth: password.map { RedisAuth(password: $0) })
    }

    /// Waits until every running node says cluster_state:ok and all agree on
    /// every node's role, so tests never race gossip.
    public func waitUntilConverged(auth: RedisAuth? = nil, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await isConverged(auth: auth) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestSupportError("cluster did not converge within \(timeout)")
    }

    private func isConverged(auth: RedisAuth?) async throws -> Bool {
        var views: Set<String> = []
        for node in nodes where node.isRunning {
            let info = try await command(node, ["CLUSTER", "INFO"], auth: auth)
            guard info.contains("cluster_state:ok") else { return false }
            let entries = try ClusterNodesText.parse(try await command(node, ["CLUSTER", "NODES"], auth: auth))
            guard entries.allSatisfy({ !$0.has(.handshake) }) else { return false }
            views.insert(entries.map { "\($0.id) \($0.isMaster ? "M" : "S") \($0.masterID ?? "-") \($0.slotRanges)" }
                .sorted().joined(separator: "\n"))
        }
        return views.count == 1
    }

    /// Runs one command on one node and returns the reply as text.
    @discardableResult
    public func command(_ node: RedisServerProcess, _ arguments: [String], auth: RedisAuth? = nil) async throws -> String {
        let connection = try await RedisConnection.connect(to: node.address, options: .init(auth: auth))
        defer { Task { await connection.close() } }
        let reply = try await connection.send(arguments)
        return reply.string ?? reply.elements?.compactMap(\.string).joined(separator: " ") ?? "\(reply)"
    }

    /// Every node's own line and the ID of the master of each replica, as node 0 sees it.
    public func layout() async throws -> (masters: [ClusterNodeEntry], replicas: [ClusterNodeEntry]) {
        let entries = try ClusterNodesText.parse(try await command(nodes[0], ["CLUSTER", "NODES"]))
        return (entries.filter(\.isMaster), entries.filter(\.isReplica))
    }

    public func nodeID(_ node: RedisServerProcess) async throws -> String {
        try await command(node, ["CLUSTER", "MYID"])
    }

    /// The nodes that are masters with slots, as the first node sees it, in port order.
    public func masters() async throws -> [(node: RedisServerProcess, id: String, slots: [SlotRange])] {
        let entries = try ClusterNodesText.parse(try await command(nodes[0], ["CLUSTER", "NODES"]))
        return entries.filter { $0.isMaster && !$0.slotRanges.isEmpty }.compactMap { entry in
            guard let node = nodes.first(where: { $0.port == entry.port }) else { return nil }
            return (node, entry.id, entry.slotRanges)
        }.sorted { $0.slots[0].first < $1.slots[0].first }
    }

    /// Leaves `slot` half-moved: IMPORTING on `target`, MIGRATING on its owner.
    public func openSlot(_ slot: Int) async throws {
        let masters = try await masters()
        guard let source = masters.first(where: { $0.slots.contains { $0.slots.contains(slot) } }),
              let target = masters.first(where: { $0.id != source.id }) else {
            throw TestSupportError("no owner for slot \(slot)")
        }
        try await command(target.node, ["CLUSTER", "SETSLOT", "\(slot)", "IMPORTING", source.id])
        try await command(source.node, ["CLUSTER", "SETSLOT", "\(slot)", "MIGRATING", target.id])
    }

    /// Makes `slot` unowned on every node.
    public func uncoverSlot(_ slot: Int) async throws {
        for node in nodes where node.isRunning {
            _ = try? await command(node, ["CLUSTER", "DELSLOTS", "\(slot)"])
        }
    }

    /// Keys on all masters together.
    public func countKeys() async throws -> Int {
        var total = 0
        for master in try await masters() { total += Int(try await command(master.node, ["DBSIZE"])) ?? 0 }
        return total
    }

    /// GET through the cluster: asks the master that owns the key's slot now.
    public func get(_ key: String) async throws -> String? {
        let slot = HashSlot(key: key).rawValue
        guard let owner = try await masters().first(where: { $0.slots.contains { $0.slots.contains(slot) } }) else { return nil }
        return try await command(owner.node, ["GET", key])
    }

    /// Puts a key on a node that does not own its slot, as an interrupted
    /// migration leaves it: import mode, ASKING + SET, then stable again.
    public func plant(key: String, value: String, slot: Int, on node: RedisServerProcess, ownerID: String) async throws {
        try await command(node, ["CLUSTER", "SETSLOT", "\(slot)", "IMPORTING", ownerID])
        let connection = try await RedisConnection.connect(to: node.address)
        defer { Task { await connection.close() } }
        for result in try await connection.pipeline([["ASKING"], ["SET", key, value]]) { _ = try result.get() }
        try await command(node, ["CLUSTER", "SETSLOT", "\(slot)", "STABLE"])
    }

    /// Writes `count` keys through the cluster (each to the master owning its slot).
    public func fill(keys count: Int, prefix: String = "key") async throws {
        let masters = try await masters()
        var connections: [Int: RedisConnection] = [:]
        defer { for connection in connections.values { Task { await connection.close() } } }
        var batches: [Int: [[ByteBuffer]]] = [:]
        for index in 0..<count {
            let key = "\(prefix):\(index)"
            let slot = HashSlot(key: key).rawValue
            guard let owner = masters.firstIndex(where: { $0.slots.contains { $0.slots.contains(slot) } }) else { continue }
            batches[owner, default: []].append(["SET", key, "value-\(index)"].map { ByteBuffer(string: $0) })
        }
        for (owner, commands) in batches {
            let connection = try await RedisConnection.connect(to: masters[owner].node.address)
            connections[owner] = connection
            for result in try await connection.pipeline(commands) { _ = try result.get() }
        }
    }
}

/// `count` key names that hash to `slot`, found by trying prefix0, prefix1, ...
public func keyNames(inSlot slot: Int, count: Int = 1, prefix: String = "key") -> [String] {
    var names: [String] = []
    var index = 0
    while names.count < count {
        let name = "\(prefix)\(index)"
        if HashSlot(key: name).rawValue == slot { names.append(name) }
        index += 1
    }
    return names
}
