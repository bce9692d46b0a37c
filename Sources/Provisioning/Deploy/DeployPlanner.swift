/// Compares what the inventory wants on a host with what the host has and
/// lists the changes. Pure: the same inputs always give the same plan.
public enum DeployPlanner {
    public static func plan(nodes: [NodeDeployment], observed: ObservedHost) -> HostPlan {
        guard let host = nodes.first?.host else { preconditionFailure("a host without nodes") }
        var plan = HostPlan(host: host, nodes: nodes, actions: [], blockers: [])
        switch observed.docker {
        case .notInstalled:
            plan.blockers.append("Docker is not installed on \(host.name) (\(host.address)); install it (apt-get install docker.io), then run deploy again")
            return plan
        case .notAnswering(let reason):
            plan.blockers.append("Docker does not answer on \(host.name) (\(host.address)): \(reason.isEmpty ? "no reply" : reason); start it (systemctl start docker)")
            return plan
        case .running:
            break
        }
        let image = host.container.image
        switch (host.container.pull, observed.imagePresent) {
        case (.always, _), (.missing, false): plan.actions.append(.pullImage(image))
        case (.never, false):
            plan.blockers.append("image \(image) is not on \(host.name) and pull is never; load it there (docker load) or set pull: missing")
        default: break
        }
        for node in nodes {
            let container = observed.containers[node.containerName]
            if let container, container.cluster != node.clusterName {
                let owner = container.cluster.isEmpty ? "was not made by rcluster deploy" : "belongs to cluster '\(container.cluster)'"
                plan.blockers.append("container \(node.containerName) on \(host.name) \(owner); remove or rename it, or change the port in the inventory")
                continue
            }
            let ourNodeRuns = container?.isRunning == true
            if !ourNodeRuns {
                for port in [node.port, node.port + 10000] {
                    if let holder = observed.listeners[port] {
                        plan.blockers.append("port \(port)\(port == node.port ? "" : " (cluster bus of \(node.port))") on \(host.name) is in use by \(holder); free it or pick another port in the inventory")
                    }
                }
            }
            let configChanged = observed.configs[node.port] != node.config
            if configChanged {
                plan.actions.append(.writeConfig(port: node.port, isNew: observed.configs[node.port] == nil))
            }
            switch container {
            case nil:
                plan.actions.append(.runContainer(port: node.port))
            case let existing? where existing.spec != node.containerSpec:
                plan.actions.append(.recreateContainer(port: node.port, was: existing.spec))
            case let existing? where !existing.isRunning:
                plan.actions.append(.startContainer(port: node.port))
            default:
                // Running: restart when the node runs another redis.conf than
                // the one wanted (unknown counts as current, for nodes started before).
                let applied = observed.appliedConfigs[node.port] ?? observed.configs[node.port]
                if applied != node.config { plan.actions.append(.restartNode(port: node.port)) }
            }
        }
        return plan
    }
}
