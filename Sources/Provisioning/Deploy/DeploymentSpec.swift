import Foundation

/// Every node the inventory asks for, grouped by host, with its redis.conf.
public struct DeploymentSpec: Sendable {
    public var inventory: Inventory
    public var hosts: [(host: InventoryHost, nodes: [NodeDeployment])]

    public init(inventory: Inventory, password: String?) throws(ProvisioningError) {
        self.inventory = inventory
        let inventoryName = (inventory.path as NSString).lastPathComponent
        var hosts: [(host: InventoryHost, nodes: [NodeDeployment])] = []
        for host in inventory.hosts {
            let bind = try Self.bindAddress(host)
            let nodes = host.ports.map { port in
                NodeDeployment(
                    host: host, port: port, clusterName: inventory.clusterName,
                    config: RedisConfRenderer.render(host: host, port: port, bindAddress: bind, password: password, inventoryName: inventoryName))
            }
            hosts.append((host, nodes))
        }
        self.hosts = hosts
    }

    /// Redis binds to an IP: the host's address when it is one, else what the
    /// name resolves to (IPv4 first) from here.
    static func bindAddress(_ host: InventoryHost) throws(ProvisioningError) -> String {
        var ipv4 = in_addr(), ipv6 = in6_addr()
        if inet_pton(AF_INET, host.address, &ipv4) == 1 || inet_pton(AF_INET6, host.address, &ipv6) == 1 { return host.address }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host.address, nil, &hints, &list) == 0, let first = list else {
            throw .unresolvable(host: host.name, address: host.address)
        }
        defer { freeaddrinfo(list) }
        var best: String?
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            guard getnameinfo(info.pointee.ai_addr, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 else { continue }
            let text = String(cString: buffer)
            if info.pointee.ai_family == AF_INET { return text }
            best = best ?? text
        }
        guard let best else { throw .unresolvable(host: host.name, address: host.address) }
        return best
    }
}
