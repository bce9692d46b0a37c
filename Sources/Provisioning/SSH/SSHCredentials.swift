import Foundation

/// How to prove who we are. With a key file only that key is tried; without
/// one, the ssh-agent's identities, then the usual ~/.ssh keys.
public struct SSHCredentials: Sendable {
    public var privateKeyPath: String?
    /// Asked for a key's passphrase when the key turns out to be encrypted
    /// (a TTY prompt in the CLI). Nil means "no way to ask": the error says so.
    public var passphrase: (@Sendable (_ keyPath: String) -> String?)?
    public var useAgent: Bool
    /// The agent's socket: SSH_AUTH_SOCK as it was when the credentials were
    /// made. Read once here, never by libssh2 mid-login, so that a caller
    /// (a test) can name its own agent without setenv under running threads.
    public var agentSocket: String?

    public init(
        privateKeyPath: String? = nil,
        useAgent: Bool = true,
        agentSocket: String? = ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"],
        passphrase: (@Sendable (_ keyPath: String) -> String?)? = nil
    ) {
        self.privateKeyPath = privateKeyPath
        self.useAgent = useAgent
        self.agentSocket = agentSocket
        self.passphrase = passphrase
    }
}
