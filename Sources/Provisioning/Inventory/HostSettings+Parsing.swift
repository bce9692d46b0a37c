import Foundation

extension HostSettings {
    /// Directives deploy writes itself; letting an inventory override them
    /// would break the container layout or the generated password.
    static let reservedDirectives: [String: String] = [
        "port": "the port comes from the host's ports list",
        "bind": "rcluster binds each node to its host's address",
        "dir": "data lives in /data inside the container (data_root on the host)",
        "cluster-enabled": "deploy always builds a cluster",
        "cluster-config-file": "rcluster keeps nodes.conf in the data directory",
        "daemonize": "a container's process must stay in the foreground",
        "pidfile": "rcluster sets it inside /data",
        "requirepass": "passwords come from cluster.auth (a generated secrets file)",
        "masterauth": "passwords come from cluster.auth (a generated secrets file)",
        "include": "an included file is invisible to deploy's change detection",
    ]

    /// Reads one settings key; false when the key is not a setting.
    mutating func read(_ key: String, _ value: YAMLValue, _ diagnostics: Diagnostics) -> Bool {
        switch key {
        case "ssh": readSSH(value, diagnostics)
        case "image": image = Self.token(value, diagnostics, what: "an image name such as redis:7.0.15")
        case "pull":
            if let text = value.string(diagnostics) {
                pull = PullPolicy(rawValue: text)
                if pull == nil { diagnostics.add(value.issue("unknown pull policy '\(text)'", fix: "use always, missing or never")) }
            }
        case "data_root":
            if let text = Self.token(value, diagnostics, what: "an absolute path") {
                if text.hasPrefix("/") { dataRoot = text } else { diagnostics.add(value.issue("'\(text)' is not an absolute path", fix: "write it from / (e.g. /var/lib/redis)")) }
            }
        case "cpus": cpus = Self.matching(value, diagnostics, pattern: #"^[0-9]+(\.[0-9]+)?$"#, example: "1 or 0.5")
        case "memory": memory = Self.matching(value, diagnostics, pattern: #"^[0-9]+[bkmgBKMG]?[bB]?$"#, example: "2g or 512m")
        case "memory_swap": memorySwap = Self.matching(value, diagnostics, pattern: #"^(-1|[0-9]+[bkmgBKMG]?[bB]?)$"#, example: "0, -1 or 4g")
        case "restart": restart = Self.matching(value, diagnostics, pattern: #"^(no|always|unless-stopped|on-failure(:[0-9]+)?)$"#, example: "always, unless-stopped, on-failure or no")
        case "network":
            if let text = value.string(diagnostics) {
                if text == "host" { network = text } else {
                    diagnostics.add(value.issue("network mode '\(text)' is not supported", fix: "use host: cluster nodes tell each other their own address, which a container network's NAT hides"))
                }
            }
        case "config": readConfig(value, diagnostics)
        default: return false
        }
        return true
    }

    private mutating func readSSH(_ value: YAMLValue, _ diagnostics: Diagnostics) {
        guard let entries = value.entries(diagnostics) else { return }
        for (key, item) in entries {
            switch key {
            case "user": sshUser = Self.token(item, diagnostics, what: "a user name")
            case "port": sshPort = item.int(diagnostics, in: 1...65535)
            case "key": sshKey = item.string(diagnostics)
            default: diagnostics.add(unknownKey(item, key, known: ["user", "port", "key"]))
            }
        }
    }

    private mutating func readConfig(_ value: YAMLValue, _ diagnostics: Diagnostics) {
        guard let entries = value.entries(diagnostics) else { return }
        for (name, item) in entries {
            guard name.range(of: #"^[a-z][a-z0-9-]*$"#, options: .regularExpression) != nil else {
                diagnostics.add(item.keyIssue("'\(name)' is not a redis.conf directive name", fix: "use the lower-case name from redis.conf, e.g. maxmemory-policy"))
                continue
            }
            if let reason = Self.reservedDirectives[name] {
                diagnostics.add(item.keyIssue("rcluster sets '\(name)' itself (\(reason))", fix: "remove it from config"))
                continue
            }
            let text: String?
            if case .sequence = item.node {
                text = item.elements(diagnostics)?.compactMap { $0.string(diagnostics) }.joined(separator: " ")
            } else {
                text = item.string(diagnostics)
            }
            guard let text else { continue }
            guard !text.contains(where: { $0.isNewline || $0.asciiValue.map { $0 < 32 } == true }) else {
                diagnostics.add(item.issue("the value has a line break or control character", fix: "write it on one line"))
                continue
            }
            config.removeAll { $0.name == name }
            config.append(RedisDirective(name: name, value: text))
        }
    }

    static func token(_ value: YAMLValue, _ diagnostics: Diagnostics, what: String) -> String? {
        guard let text = value.string(diagnostics) else { return nil }
        guard !text.isEmpty, !text.contains(where: { $0.isWhitespace || "'\"`$;&|<>\\".contains($0) }) else {
            diagnostics.add(value.issue("'\(text)' is not \(what)", fix: "no spaces or shell characters"))
            return nil
        }
        return text
    }

    static func matching(_ value: YAMLValue, _ diagnostics: Diagnostics, pattern: String, example: String) -> String? {
        guard let text = value.string(diagnostics) else { return nil }
        guard text.range(of: pattern, options: .regularExpression) != nil else {
            diagnostics.add(value.issue("'\(text)' is not a valid value", fix: "write it like \(example)"))
            return nil
        }
        return text
    }
}

/// "did you mean" for a mistyped key, from the keys that are valid there.
func unknownKey(_ value: YAMLValue, _ key: String, known: [String]) -> InventoryIssue {
    let closest = known.min { editDistance($0, key) < editDistance($1, key) }
    let fix: String
    if let closest, editDistance(closest, key) <= max(2, key.count / 3) {
        fix = "did you mean '\(closest)'?"
    } else {
        fix = "valid keys here: \(known.joined(separator: ", "))"
    }
    return value.keyIssue("unknown key '\(key)'", fix: fix)
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var previous = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...max(b.count, 1) where !b.isEmpty {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return a.isEmpty ? b.count : previous[b.count]
}
