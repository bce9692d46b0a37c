import Foundation

/// Why an SSH step failed, naming the host and saying what to do.
public enum SSHError: Error, Sendable, CustomStringConvertible {
    case unresolvable(SSHEndpoint, String)
    case connectFailed(SSHEndpoint, String)
    case timedOut(SSHEndpoint, what: String, after: Duration)
    case handshakeFailed(SSHEndpoint, String)
    case hostKeyUnknown(SSHEndpoint, fingerprint: String, knownHosts: String)
    case hostKeyMismatch(SSHEndpoint, fingerprint: String, knownHosts: String)
    case knownHostsUnusable(path: String, String)
    case keyFileUnreadable(path: String)
    case passphraseRequired(SSHEndpoint, keyPath: String)
    case rsaSignatureRefused(SSHEndpoint, keyPath: String)
    case authenticationFailed(SSHEndpoint, tried: [String])
    case channelFailed(SSHEndpoint, what: String, String)
    case disconnected(SSHEndpoint, String)

    public var endpoint: SSHEndpoint? {
        switch self {
        case .unresolvable(let e, _), .connectFailed(let e, _), .timedOut(let e, _, _), .handshakeFailed(let e, _),
             .hostKeyUnknown(let e, _, _), .hostKeyMismatch(let e, _, _), .passphraseRequired(let e, _),
             .rsaSignatureRefused(let e, _), .authenticationFailed(let e, _), .channelFailed(let e, _, _),
             .disconnected(let e, _):
            return e
        case .knownHostsUnusable, .keyFileUnreadable:
            return nil
        }
    }

    public var description: String {
        switch self {
        case .unresolvable(let e, let reason):
            return "\(e.host): cannot resolve the host name (\(reason)); check the address in the inventory"
        case .connectFailed(let e, let reason):
            return "\(e): cannot connect to SSH port \(e.port): \(reason); is sshd running there and the port open?"
        case .timedOut(let e, let what, let after):
            return "\(e): \(what) timed out after \(after.secondsText); the host may be down or a firewall may drop the traffic"
        case .handshakeFailed(let e, let reason):
            return "\(e): SSH handshake failed: \(reason)"
        case .hostKeyUnknown(let e, let fingerprint, let knownHosts):
            return "\(e): host key \(fingerprint) is not in \(knownHosts). Check the fingerprint on the host (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then add it (ssh-keyscan -p \(e.port) \(e.host) >> \(knownHosts)) or run again with --accept-new-host-keys"
        case .hostKeyMismatch(let e, let fingerprint, let knownHosts):
            return "\(e): HOST KEY MISMATCH: the host offered \(fingerprint), which differs from the key recorded in \(knownHosts). Someone may be intercepting the connection, or the host was reinstalled. Refusing to connect; if the change is expected, remove the old entry (ssh-keygen -R \(e.host) -f \(knownHosts))"
        case .knownHostsUnusable(let path, let reason):
            return "cannot use known_hosts file \(path): \(reason)"
        case .keyFileUnreadable(let path):
            return "cannot read the SSH private key \(path); check the path (ansible_ssh_private_key_file / ssh.key in the inventory) and its permissions"
        case .passphraseRequired(let e, let keyPath):
            return "\(e): the key \(keyPath) is protected by a passphrase and there is no terminal to ask for it; add the key to ssh-agent (ssh-add \(keyPath)) or run rcluster on a terminal"
        case .rsaSignatureRefused(let e, let keyPath):
            return "\(e): the server refused the RSA key \(keyPath). libssh2 1.10 signs RSA keys only with SHA-1 (ssh-rsa), which OpenSSH 8.8 and later refuse by default. Use an ed25519 key instead (ssh-keygen -t ed25519) and authorize it on the host"
        case .authenticationFailed(let e, let tried):
            let what = tried.isEmpty ? "no key was available (no key file, no ssh-agent identity, no ~/.ssh/id_* key)" : "tried \(tried.joined(separator: ", "))"
            return "\(e): authentication failed: \(what); check the user and that the public key is in the host's authorized_keys"
        case .channelFailed(let e, let what, let reason):
            return "\(e): \(what) failed: \(reason)"
        case .disconnected(let e, let reason):
            return "\(e): connection lost: \(reason)"
        }
    }
}

extension Duration {
    var secondsText: String {
        let (seconds, attoseconds) = components
        let value = Double(seconds) + Double(attoseconds) / 1e18
        return value == value.rounded() ? "\(Int(value)) s" : String(format: "%.1f s", value)
    }
}
