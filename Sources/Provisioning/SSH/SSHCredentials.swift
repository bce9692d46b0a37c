/// How to prove who we are. With a key file only that key is tried; without
/// one, the ssh-agent's identities, then the usual ~/.ssh keys.
public struct SSHCredentials: Sendable {
    public var privateKeyPath: String?
    /// Asked for a key's passphrase when the key turns out to be encrypted
    /// (a TTY prompt in the CLI). Nil means "no way to ask": the error says so.
    public var passphrase: (@Sendable (_ keyPath: String) -> String?)?
    public var useAgent: Bool

    public init(
        privateKeyPath: String? = nil,
        useAgent: Bool = true,
        passphrase: (@Sendable (_ keyPath: String) -> String?)? = nil
    ) {
        self.privateKeyPath = privateKeyPath
        self.useAgent = useAgent
        self.passphrase = passphrase
    }
}
