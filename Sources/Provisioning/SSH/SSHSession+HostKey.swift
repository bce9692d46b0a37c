import CLibSSH2
import Foundation

extension SSHSession {
    /// Compares the host's key with the known_hosts file before any secret is sent.
    func verifyHostKey(_ policy: HostKeyPolicy) throws(SSHError) {
        var length = 0
        var type: Int32 = 0
        guard let key = libssh2_session_hostkey(session, &length, &type) else {
            throw .handshakeFailed(endpoint, "the host sent no host key")
        }
        let fingerprint = hostKeyFingerprint()
        guard let hosts = libssh2_knownhost_init(session) else {
            throw .knownHostsUnusable(path: policy.knownHostsPath, "libssh2 could not allocate a known-hosts list")
        }
        defer { libssh2_knownhost_free(hosts) }
        try KnownHostsFile.load(policy.knownHostsPath, into: hosts)
        let check = libssh2_knownhost_checkp(
            hosts, endpoint.host, Int32(endpoint.port), key, length,
            rc_ssh2_knownhost_plain_raw() | rc_ssh2_knownhost_key_bits(type), nil)
        switch check {
        case LIBSSH2_KNOWNHOST_CHECK_MATCH:
            return
        case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
            throw .hostKeyMismatch(endpoint, fingerprint: fingerprint, knownHosts: policy.knownHostsPath)
        case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND where policy.acceptNew:
            try KnownHostsFile.append(
                host: endpoint.host, port: endpoint.port, keyType: type,
                key: Array(UnsafeRawBufferPointer(start: key, count: length)), to: policy.knownHostsPath)
        case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
            throw .hostKeyUnknown(endpoint, fingerprint: fingerprint, knownHosts: policy.knownHostsPath)
        default:
            throw .knownHostsUnusable(path: policy.knownHostsPath, lastError())
        }
    }

    /// OpenSSH's notation: SHA256 of the key blob, base64 without padding.
    func hostKeyFingerprint() -> String {
        guard let hash = libssh2_hostkey_hash(session, LIBSSH2_HOSTKEY_HASH_SHA256) else { return "(unknown)" }
        let bytes = Data(bytes: hash, count: 32)
        return "SHA256:" + bytes.base64EncodedString().replacingOccurrences(of: "=", with: "")
    }
}

/// Reading and extending an OpenSSH known_hosts file.
enum KnownHostsFile {
    /// Line by line, so one entry libssh2 cannot parse (a certificate
    /// authority, a FIDO key type) does not make the whole file unusable.
    static func load(_ path: String, into hosts: OpaquePointer) throws(SSHError) {
        guard FileManager.default.fileExists(atPath: path) else { return }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .knownHostsUnusable(path: path, "cannot read it (permissions?)")
        }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#"), !trimmed.hasPrefix("@") else { continue }
            _ = trimmed.withCString { libssh2_knownhost_readline(hosts, $0, strlen($0), LIBSSH2_KNOWNHOST_FILE_OPENSSH) }
        }
    }

    static func entryName(host: String, port: Int) -> String {
        port == 22 ? host : "[\(host)]:\(port)"
    }

    static func keyTypeName(_ type: Int32) -> String? {
        switch type {
        case LIBSSH2_HOSTKEY_TYPE_RSA: return "ssh-rsa"
        case LIBSSH2_HOSTKEY_TYPE_DSS: return "ssh-dss"
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: return "ecdsa-sha2-nistp256"
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: return "ecdsa-sha2-nistp384"
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: return "ecdsa-sha2-nistp521"
        case LIBSSH2_HOSTKEY_TYPE_ED25519: return "ssh-ed25519"
        default: return nil
        }
    }

    /// Appends one entry with a single write(2) on an O_APPEND descriptor, so
    /// hosts accepted in parallel never interleave their lines.
    static func append(host: String, port: Int, keyType: Int32, key: [UInt8], to path: String) throws(SSHError) {
        guard let typeName = keyTypeName(keyType) else {
            throw .knownHostsUnusable(path: path, "unsupported host key type \(keyType)")
        }
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let line = "\(entryName(host: host, port: port)) \(typeName) \(Data(key).base64EncodedString())\n"
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .knownHostsUnusable(path: path, String(cString: strerror(errno))) }
        defer { close(fd) }
        let bytes = Array(line.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else {
            throw .knownHostsUnusable(path: path, String(cString: strerror(errno)))
        }
    }
}
