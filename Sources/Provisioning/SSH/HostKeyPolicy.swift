/// Which host keys to trust: those in an OpenSSH known_hosts file. Like
/// OpenSSH's StrictHostKeyChecking=accept-new, `acceptNew` records the key of
/// a host not in the file yet; a changed key is always refused.
public struct HostKeyPolicy: Sendable {
    public var knownHostsPath: String
    public var acceptNew: Bool

    public init(knownHostsPath: String, acceptNew: Bool = false) {
        self.knownHostsPath = knownHostsPath
        self.acceptNew = acceptNew
    }

    /// ~/.ssh/known_hosts of the user running rcluster.
    public static func userDefault(acceptNew: Bool = false) -> HostKeyPolicy {
        HostKeyPolicy(knownHostsPath: HomeDirectory.path + "/.ssh/known_hosts", acceptNew: acceptNew)
    }
}
