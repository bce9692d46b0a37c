import Foundation

/// Reads a host's state in one SSH round trip: a small POSIX sh script on
/// stdin prints tagged lines that `parse` turns into an ObservedHost.
public enum HostInspection {
    public static func script(for nodes: [NodeDeployment], image: String) -> String {
        var lines = [
            "export LC_ALL=C",
            "if ! command -v docker >/dev/null 2>&1; then echo 'docker missing'",
            "elif v=$(docker version --format '{{.Server.Version}}' 2>&1); then echo \"docker ok $v\"",
            "else echo \"docker down $(printf '%s' \"$v\" | tr '\\n' ' ')\"; fi",
        ]
        for node in nodes {
            let path = ShellQuote.quote(node.configPath)
            lines.append("if [ -f \(path) ]; then echo \"conf \(node.port) $(base64 -w0 < \(path))\"; fi")
            let applied = ShellQuote.quote(node.appliedConfigPath)
            lines.append("if [ -f \(applied) ]; then echo \"applied \(node.port) $(base64 -w0 < \(applied))\"; fi")
        }
        lines += [
            "docker ps -a --format 'container {{.Names}}\t{{.State}}\t{{.Label \"\(NodeDeployment.Labels.cluster)\"}}\t{{.Label \"\(NodeDeployment.Labels.spec)\"}}' 2>/dev/null",
            "docker image inspect \(ShellQuote.quote(image)) >/dev/null 2>&1 && echo 'image present'",
            "if command -v ss >/dev/null 2>&1; then echo 'listeners known'; ss -Hltnp 2>/dev/null | awk '{print \"listen\", $4, $6}'; fi",
            "exit 0",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    public static func parse(_ output: String) -> ObservedHost {
        var host = ObservedHost(docker: .notInstalled)
        for line in output.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) {
            let words = line.split(separator: " ", maxSplits: 2).map(String.init)
            guard let tag = words.first else { continue }
            switch tag {
            case "docker" where words.count >= 2:
                switch words[1] {
                case "ok": host.docker = .running(version: words.count > 2 ? words[2] : "?")
                case "down": host.docker = .notAnswering(words.count > 2 ? words[2] : "")
                default: host.docker = .notInstalled
                }
            case "conf" where words.count == 3, "applied" where words.count == 3:
                if let port = Int(words[1]), let data = Data(base64Encoded: words[2]) {
                    let text = String(decoding: data, as: UTF8.self)
                    if tag == "conf" { host.configs[port] = text } else { host.appliedConfigs[port] = text }
                }
            case "container":
                let fields = String(line.dropFirst("container ".count)).split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                guard fields.count >= 4 else { continue }
                host.containers[fields[0]] = .init(name: fields[0], state: fields[1], cluster: fields[2], spec: fields[3])
            case "image":
                host.imagePresent = true
            case "listeners":
                host.listenersKnown = true
            case "listen" where words.count >= 2:
                let fields = words[1...].joined(separator: " ").split(separator: " ", maxSplits: 1).map(String.init)
                guard let local = fields.first, let colon = local.lastIndex(of: ":"), let port = Int(local[local.index(after: colon)...]) else { continue }
                host.listeners[port] = fields.count > 1 ? processName(fields[1]) : "another process"
            default:
                continue
            }
        }
        return host
    }

    /// `users:(("redis-server",pid=12,fd=6))` -> `redis-server (pid 12)`.
    static func processName(_ users: String) -> String {
        guard let start = users.range(of: "((\""), let end = users[start.upperBound...].firstIndex(of: "\"") else {
            return users.isEmpty ? "another process" : users
        }
        let name = String(users[start.upperBound..<end])
        if let pid = users.range(of: "pid=") {
            let digits = users[pid.upperBound...].prefix { $0.isNumber }
            return "\(name) (pid \(digits))"
        }
        return name
    }
}
