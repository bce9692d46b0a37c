/// Which server a node runs and its version, read from INFO server. Valkey
/// reports `redis_version:7.2.4` for old clients and its own version in
/// `valkey_version`, so the product is told apart by `server_name`.
public struct ServerVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Product: String, Sendable, Hashable {
        case redis = "Redis"
        case valkey = "Valkey"
    }

    public let product: Product
    public let major: Int
    public let minor: Int
    public let patch: Int

    public init(_ product: Product, _ major: Int, _ minor: Int, _ patch: Int = 0) {
        self.product = product
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// From INFO server's fields; nil when no version field parses.
    public init?(info: [String: String]) {
        let product: Product = info["server_name"]?.lowercased() == "valkey" ? .valkey : .redis
        let text = product == .valkey ? (info["valkey_version"] ?? info["redis_version"]) : info["redis_version"]
        guard let text else { return nil }
        let numbers = text.split(separator: ".").map { Int($0) }
        guard numbers.count >= 2, let major = numbers[0], let minor = numbers[1] else { return nil }
        self.init(product, major, minor, numbers.count > 2 ? (numbers[2] ?? 0) : 0)
    }

    public var description: String { "\(product.rawValue) \(major).\(minor).\(patch)" }

    /// Within one product only; across products compare capabilities instead.
    public static func < (lhs: ServerVersion, rhs: ServerVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }

    public func atLeast(_ major: Int, _ minor: Int = 0) -> Bool {
        (self.major, self.minor) >= (major, minor)
    }
}
