/// The bus message types of Redis 7.0 (cluster.h), with the names CLUSTER
/// INFO prints for their counters.
public enum ClusterMessageType: UInt16, CaseIterable, Sendable {
    case ping = 0, pong, meet, fail, publish, failoverAuthRequest, failoverAuthAck, update, manualFailoverStart, module, publishShard

    /// Types 0 through 10: the size of the per-type counters.
    public static let count = 11

    public var statsName: String {
        switch self {
        case .ping: "ping"
        case .pong: "pong"
        case .meet: "meet"
        case .fail: "fail"
        case .publish: "publish"
        case .publishShard: "publishshard"
        case .failoverAuthRequest: "auth-req"
        case .failoverAuthAck: "auth-ack"
        case .update: "update"
        case .manualFailoverStart: "mfstart"
        case .module: "module"
        }
    }
}
