/// Bounds for each phase, so an unresponsive host fails instead of hanging.
public struct SSHTimeouts: Sendable {
    /// TCP connect, key exchange and authentication together.
    public var connect: Duration
    /// One remote command from start to exit.
    public var command: Duration

    public init(connect: Duration = .seconds(10), command: Duration = .seconds(120)) {
        self.connect = connect
        self.command = command
    }
}
