import ClusterModel
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns NIO's connect errors into one plain sentence for the user.
enum ConnectFailure {
    static func classify(_ error: any Error, address: NodeAddress, options: RedisConnectionOptions) -> RedisClientError {
        if case ChannelError.connectTimeout = error {
            return .connectTimedOut(address, milliseconds: options.connectTimeoutMilliseconds)
        }
        if let error = error as? NIOConnectionError {
            if let first = error.connectionErrors.first {
                return classify(first.error, address: address, options: options)
            }
            if error.dnsAError != nil || error.dnsAAAAError != nil {
                return .connectFailed(address, reason: "cannot resolve host '\(address.host)'")
            }
            return .connectFailed(address, reason: "no address found for '\(address.host)'")
        }
        if let error = error as? IOError {
            return .connectFailed(address, reason: String(cString: strerror(error.errnoCode)))
        }
        return .connectFailed(address, reason: "\(error)")
    }
}
