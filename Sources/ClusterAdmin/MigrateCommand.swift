import NIOCore
import RedisClient

/// `MIGRATE host port "" 0 timeout [COPY] [REPLACE] [AUTH pass | AUTH2 user pass] KEYS key...`,
/// the multi-key form every move and import sends.
enum MigrateCommand {
    static func words(to host: String, port: Int, timeoutMilliseconds: Int, copy: Bool = false, replace: Bool,
                      auth: RedisAuth?, keys: [ByteBuffer]) -> [ByteBuffer] {
        var words = ["MIGRATE", host, "\(port)", "", "0", "\(timeoutMilliseconds)"]
        if copy { words.append("COPY") }
        if replace { words.append("REPLACE") }
        if let auth {
            words += auth.username.map { ["AUTH2", $0, auth.password] } ?? ["AUTH", auth.password]
        }
        words.append("KEYS")
        return words.map { ByteBuffer(string: $0) } + keys
    }
}
