/// Credentials sent as `AUTH [user] password` (or inside HELLO 3) on every new connection.
public struct RedisAuth: Sendable, Hashable {
    public var username: String?
    public var password: String

    public init(username: String? = nil, password: String) {
        self.username = username
        self.password = password
    }

    /// The arguments after AUTH, or after HELLO 3 AUTH (which always names a user).
    var authArguments: [String] { username.map { [$0, password] } ?? [password] }
    var helloArguments: [String] { ["AUTH", username ?? "default", password] }
}
