import Foundation

/// The cluster password, kept in a local YAML file (`password: ...`) that
/// only its owner can read. Generated on the first deploy, reused after.
public enum SecretsFile {
    public enum Outcome: Sendable, Equatable {
        case loaded(String)
        case generated(String)

        public var password: String {
            switch self { case .loaded(let p), .generated(let p): return p }
        }
    }

    public static func loadOrCreate(path: String) throws(ProvisioningError) -> Outcome {
        if FileManager.default.fileExists(atPath: path) {
            return .loaded(try load(path: path))
        }
        let password = randomPassword()
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let text = "# rcluster cluster password (requirepass/masterauth). Keep this file private and out of version control.\npassword: \(password)\n"
        // O_EXCL: never overwrite a password another run just wrote.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .secrets(path: path, "cannot create it: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count, fsync(fd) == 0 else {
            throw .secrets(path: path, "cannot write it: \(String(cString: strerror(errno)))")
        }
        return .generated(password)
    }

    public static func load(path: String) throws(ProvisioningError) -> String {
        var info = stat()
        guard stat(path, &info) == 0, let data = FileManager.default.contents(atPath: path) else {
            throw .secrets(path: path, "cannot read it")
        }
        if info.st_mode & 0o077 != 0 {
            throw .secrets(path: path, "it is readable by other users (mode \(String(info.st_mode & 0o777, radix: 8))); run chmod 600 \(path)")
        }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("password:") else { continue }
            var value = trimmed.dropFirst("password:".count).trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == value.last, first == "\"" || first == "'" {
                value = String(value.dropFirst().dropLast())
            }
            guard !value.isEmpty else { break }
            return value
        }
        throw .secrets(path: path, "it has no 'password: ...' line")
    }

    /// 256 bits from the system's CSPRNG, hex so it needs no quoting anywhere.
    static func randomPassword() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
