/// config.c's is_valid functions: checks of a value beyond its kind's,
/// with redis-server's messages. Each takes the canonical value.
enum ConfigChecks {
    @Sendable static func activeDefrag(_ value: String, _ config: ServerConfig) -> String? {
        value == "yes" ? "Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution" : nil
    }

    /// pathIsBaseName: no '/' and no '\'.
    static func isBaseName(_ value: String) -> Bool { !value.contains("/") && !value.contains("\\") }

    @Sendable static func dbFilename(_ value: String, _ config: ServerConfig) -> String? {
        isBaseName(value) ? nil : "dbfilename can't be a path, just a filename"
    }

    @Sendable static func aofFilename(_ value: String, _ config: ServerConfig) -> String? {
        if value.isEmpty { return "appendfilename can't be empty" }
        return isBaseName(value) ? nil : "appendfilename can't be a path, just a filename"
    }

    @Sendable static func aofDirname(_ value: String, _ config: ServerConfig) -> String? {
        if value.isEmpty { return "appenddirname can't be empty" }
        return isBaseName(value) ? nil : "appenddirname can't be a path, just a dirname"
    }

    @Sendable static func shutdownFlags(_ value: String, _ config: ServerConfig) -> String? {
        let words = value.split(separator: " ")
        return words.contains("save") && words.contains("nosave") ? "shutdown options SAVE and NOSAVE can't be used simultaneously" : nil
    }

    /// isValidAnnouncedHostname: shorter than 256 bytes, letters, digits, '-' and '.'.
    @Sendable static func announcedHostname(_ value: String, _ config: ServerConfig) -> String? {
        if value.utf8.count >= 256 { return "Hostnames must be less than 256 characters" }
        let allowed = value.utf8.allSatisfy { byte in
            (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
        return allowed ? nil : "Hostnames may only contain alphanumeric characters, hyphens or dots"
    }

    /// validateProcTitleTemplate: the template expands (every {variable}
    /// known, braces closed) to something other than spaces, with an empty
    /// title, as redis-server tries it.
    @Sendable static func procTitleTemplate(_ value: String, _ config: ServerConfig) -> String? {
        let invalid = "template format is invalid or contains unknown variables"
        guard let expanded = ProcTitleTemplate.expand(value, title: "", config: config),
              !expanded.trimmingSpaces.isEmpty else { return invalid }
        return nil
    }
}

/// proc-title-template's variables (server.c redisProcTitleGetVariable)
/// and sdstemplate's syntax: `{name}`, `{{` for a brace.
enum ProcTitleTemplate {
    static func expand(_ template: String, title: String, config: ServerConfig) -> String? {
        var result = ""
        var rest = Substring(template)
        while !rest.isEmpty {
            guard let open = rest.firstIndex(of: "{") else {
                result += rest
                break
            }
            result += rest[..<open]
            let afterBrace = rest[rest.index(after: open)...]
            guard let next = afterBrace.first else { return nil }
            if next == "{" {
                result += "{"
                rest = afterBrace.dropFirst()
                continue
            }
            guard let close = afterBrace.firstIndex(of: "}") else { return nil }
            guard let value = variable(String(afterBrace[..<close]), title: title, config: config) else { return nil }
            result += value
            rest = afterBrace[afterBrace.index(after: close)...]
        }
        return result
    }

    private static func variable(_ name: String, title: String, config: ServerConfig) -> String? {
        let port = config.integer("port"), tlsPort = config.integer("tls-port")
        switch name {
        case "title": return title
        case "listen-addr":
            if port != 0 || tlsPort != 0 {
                let first = config["bind"].split(separator: " ").first.map(String.init) ?? "*"
                return "\(first):\(port != 0 ? port : tlsPort)"
            }
            return "unixsocket:\(config["unixsocket"])"
        case "server-mode": return config.bool("cluster-enabled") ? "[cluster]" : ""
        case "config-file": return config.configFile.isEmpty ? "-" : config.configFile
        case "port": return String(port)
        case "tls-port": return String(tlsPort)
        case "unixsocket": return config["unixsocket"]
        default: return nil
        }
    }
}

extension String {
    /// sdstrim(s, " "): without leading and trailing spaces.
    var trimmingSpaces: Substring {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return text
    }

    /// sdstrim(line, " \t\r\n"): a config line without the blanks around it.
    var trimmingLineBlanks: String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        var text = Substring(self)
        while let first = text.first, blank(first) { text = text.dropFirst() }
        while let last = text.last, blank(last) { text = text.dropLast() }
        return String(text)
    }
}
