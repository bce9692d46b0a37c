/// The settings a host may override from `defaults`, all optional until merged.
struct HostSettings {
    var sshUser: String?
    var sshPort: Int?
    var sshKey: String?
    var image: String?
    var pull: PullPolicy?
    var dataRoot: String?
    var cpus: String?
    var memory: String?
    var memorySwap: String?
    var restart: String?
    var network: String?
    var config: [RedisDirective] = []

    static let keys = ["ssh", "image", "pull", "data_root", "cpus", "memory", "memory_swap", "restart", "network", "config"]

    /// A host's own value wins; config directives merge by name.
    func overlaid(by host: HostSettings) -> HostSettings {
        var merged = self
        merged.sshUser = host.sshUser ?? sshUser
        merged.sshPort = host.sshPort ?? sshPort
        merged.sshKey = host.sshKey ?? sshKey
        merged.image = host.image ?? image
        merged.pull = host.pull ?? pull
        merged.dataRoot = host.dataRoot ?? dataRoot
        merged.cpus = host.cpus ?? cpus
        merged.memory = host.memory ?? memory
        merged.memorySwap = host.memorySwap ?? memorySwap
        merged.restart = host.restart ?? restart
        merged.network = host.network ?? network
        for directive in host.config {
            if let index = merged.config.firstIndex(where: { $0.name == directive.name }) {
                merged.config[index] = directive
            } else {
                merged.config.append(directive)
            }
        }
        return merged
    }

    var container: ContainerSpec {
        ContainerSpec(
            image: image ?? "redis:7.0.15", pull: pull ?? .missing, dataRoot: dataRoot ?? "/var/lib/redis",
            cpus: cpus, memory: memory, memorySwap: memorySwap, restart: restart ?? "always", network: network ?? "host")
    }
}
