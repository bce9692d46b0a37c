import Foundation

/// Why a provisioning step could not run, naming the host or file.
public enum ProvisioningError: Error, Sendable, CustomStringConvertible {
    case secrets(path: String, String)
    case ssh(host: String, SSHError)
    case remote(host: String, step: String, exitStatus: Int32, stderr: String)
    case unexpectedOutput(host: String, step: String, String)

    public var description: String {
        switch self {
        case .secrets(let path, let reason):
            return "secrets file \(path): \(reason)"
        case .ssh(let host, let error):
            return "host \(host): \(error)"
        case .remote(let host, let step, let status, let stderr):
            let detail = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            return "host \(host): \(step) failed (exit \(status))\(detail.isEmpty ? "" : ": \(detail)")"
        case .unexpectedOutput(let host, let step, let detail):
            return "host \(host): \(step) printed something unexpected: \(detail)"
        }
    }
}
