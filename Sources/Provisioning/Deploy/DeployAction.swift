/// One change deploy makes on a host, in the order it makes them.
public enum DeployAction: Sendable, Equatable, CustomStringConvertible {
    case pullImage(String)
    case writeConfig(port: Int, isNew: Bool)
    case runContainer(port: Int)
    /// The container no longer matches the inventory (image, limits ...):
    /// removed and run again; the data directory stays.
    case recreateContainer(port: Int, was: String)
    case startContainer(port: Int)
    /// redis.conf changed under a running node: restarted later, one node
    /// at a time, a master only after its replica took over.
    case restartNode(port: Int)

    public var port: Int? {
        switch self {
        case .pullImage: return nil
        case .writeConfig(let port, _), .runContainer(let port), .recreateContainer(let port, _),
             .startContainer(let port), .restartNode(let port):
            return port
        }
    }

    public var description: String {
        switch self {
        case .pullImage(let image): return "pull image \(image)"
        case .writeConfig(let port, let isNew): return isNew ? "create data directory and redis.conf for \(port)" : "update redis.conf of \(port)"
        case .runContainer(let port): return "run container redis-\(port)"
        case .recreateContainer(let port, let was): return "recreate container redis-\(port) (was: \(was.isEmpty ? "made without rcluster's spec label" : was))"
        case .startContainer(let port): return "start stopped container redis-\(port)"
        case .restartNode(let port): return "restart node \(port) to load the new redis.conf (rolling, failover first)"
        }
    }
}
