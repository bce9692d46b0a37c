/// What a deployment should look like: the hosts, the Redis nodes on each and
/// how their containers run. Read from a YAML file by InventoryLoader.
public struct Inventory: Sendable {
    /// The inventory file, for messages and to resolve relative paths.
    public var path: String
    /// Names the containers' labels, so deploy finds its own containers.
    public var clusterName: String
    public var replicas: Int
    public var auth: InventoryAuth
    public var hosts: [InventoryHost]

    public var nodeCount: Int { hosts.reduce(0) { $0 + $1.ports.count } }

    public func host(named name: String) -> InventoryHost? {
        hosts.first { $0.name == name || $0.address == name }
    }
}

/// How the nodes authenticate clients and each other.
public enum InventoryAuth: Sendable, Equatable {
    /// requirepass and masterauth from a secrets file (YAML `password: ...`,
    /// mode 0600), generated on the first deploy when it does not exist.
    case password(secretsFile: String)
    /// No password: anyone who reaches the port owns the data. Deploy warns.
    case disabled
}

/// One server: how to reach it, the failure domain it is, and its nodes.
public struct InventoryHost: Sendable, Equatable {
    public var name: String
    /// SSH target and the address Redis binds to and announces.
    public var address: String
    /// A level above hosts (a rack or availability zone) for replica placement.
    public var zone: String?
    public var ssh: SSHSettings
    public var ports: [Int]
    public var container: ContainerSpec
    /// Extra redis.conf directives, after rcluster's own, in file order.
    public var config: [RedisDirective]
    /// Where the host was declared, for messages.
    public var line: Int
}

public struct SSHSettings: Sendable, Equatable {
    public var user: String
    public var port: Int
    /// Absolute path; nil means ssh-agent, then ~/.ssh/id_*.
    public var keyPath: String?
}

/// How each node's container runs, as in the seed's `docker run` line.
public struct ContainerSpec: Sendable, Equatable, Hashable {
    public var image: String
    public var pull: PullPolicy
    public var dataRoot: String
    public var cpus: String?
    public var memory: String?
    public var memorySwap: String?
    public var restart: String
    public var network: String
}

public enum PullPolicy: String, Sendable, CaseIterable {
    case always, missing, never
}

public struct RedisDirective: Sendable, Equatable, Hashable {
    public var name: String
    public var value: String
}
