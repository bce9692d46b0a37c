import Foundation

/// Why a provisioning step could not run, naming the host or file.
public enum ProvisioningError: Error, Sendable, CustomStringConvertible {
    case secrets(path: String, String)
    case ssh(host: String, SSHError)
    case remote(host: String, step: String, exitStatus: Int32, stderr: String)
    /// A host's address is a name that does not resolve here (Redis must bind to an IP).
    case unresolvable(host: String, address: String)

    public var description: String {
        switch self {
        case .secrets(let path, let reason):
            return "secrets file \(path): \(reason)"
        case .ssh(let host, let error):
            return "host \(host): \(error)"
        case .remote(let host, let step, let status, let stderr):
            let detail = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            return "host \(host): \(step) failed (exit \(status))\(detail.isEmpty ? "" : ": \(detail)")"
        case .unresolvable(let host, let address):
            return "host \(host): '\(address)' does not resolve to an IP address here, and Redis binds to one; write the host's IP as its address in the inventory"
        }
    }
}
