import ClusterModel
import RedisClient

/// Bytes a node has read from its clients since the meter started (INFO
/// stats `total_net_input_bytes`). MIGRATE reports no sizes, but the source
/// talks to the target as an ordinary client, so during a reshard this is the
/// payload flowing into the target (plus whatever its clients send meanwhile).
public actor InputByteMeter {
    private let connection: RedisConnection
    private let baseline: Int

    private init(connection: RedisConnection, baseline: Int) {
        self.connection = connection
        self.baseline = baseline
    }

    /// nil when the node cannot be read: progress then goes without bytes.
    public static func start(_ address: NodeAddress, options: RedisConnectionOptions) async -> InputByteMeter? {
        guard let connection = try? await RedisConnection.connect(to: address, options: options) else { return nil }
        guard let total = await total(connection) else {
            await connection.close()
            return nil
        }
        return InputByteMeter(connection: connection, baseline: total)
    }

    public func bytesSinceStart() async -> Int? {
        await Self.total(connection).map { $0 - baseline }
    }

    public func close() async {
        await connection.close()
    }

    private static func total(_ connection: RedisConnection) async -> Int? {
        guard let reply = try? await connection.send(["INFO", "stats"]) else { return nil }
        return reply.infoFields["total_net_input_bytes"].flatMap { Int($0) }
    }
}
