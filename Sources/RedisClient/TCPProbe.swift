import ClusterModel
import NIOCore
import NIOPosix

/// Can this machine open a TCP connection to an address? Used to diagnose
/// cluster-bus ports that nodes cannot reach.
public enum TCPProbe {
    /// nil when the connection succeeded, else why it failed.
    public static func failure(connectingTo address: NodeAddress, timeoutMilliseconds: Int64 = 1_000,
                               group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async -> String? {
        let bootstrap = ClientBootstrap(group: group).connectTimeout(.milliseconds(timeoutMilliseconds))
        do {
            let channel = try await bootstrap.connect(host: address.host, port: address.port).get()
            try? await channel.close()
            return nil
        } catch {
            let options = RedisConnectionOptions(connectTimeoutMilliseconds: timeoutMilliseconds)
            switch ConnectFailure.classify(error, address: address, options: options) {
            case .connectFailed(_, let reason): return reason
            case .connectTimedOut: return "no answer within \(timeoutMilliseconds) ms"
            default: return "\(error)"
            }
        }
    }
}
