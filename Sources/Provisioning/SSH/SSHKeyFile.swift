import Foundation

/// What can be read from a private key file without its passphrase: the key
/// type (to explain RSA refusals) and whether it is encrypted (to ask for the
/// passphrase before libssh2 fails with an opaque error).
struct SSHKeyFile: Sendable, Equatable {
    var keyType: String?
    var encrypted: Bool

    static func inspect(path: String) -> SSHKeyFile? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return inspect(text: String(decoding: data, as: UTF8.self))
    }

    static func inspect(text: String) -> SSHKeyFile {
        if text.contains("BEGIN OPENSSH PRIVATE KEY") { return openSSH(text) ?? SSHKeyFile(keyType: nil, encrypted: false) }
        let encrypted = text.contains("ENCRYPTED")
        if text.contains("BEGIN RSA PRIVATE KEY") { return SSHKeyFile(keyType: "ssh-rsa", encrypted: encrypted) }
        if text.contains("BEGIN EC PRIVATE KEY") { return SSHKeyFile(keyType: "ecdsa", encrypted: encrypted) }
        if text.contains("BEGIN DSA PRIVATE KEY") { return SSHKeyFile(keyType: "ssh-dss", encrypted: encrypted) }
        return SSHKeyFile(keyType: nil, encrypted: encrypted)
    }

    var isRSA: Bool { keyType == "ssh-rsa" }

    /// openssh-key-v1: magic, then strings cipher, kdf, kdf options, a key
    /// count and the (unencrypted) public key blob, which starts with its type.
    private static func openSSH(_ text: String) -> SSHKeyFile? {
        let body = text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        guard let blob = Data(base64Encoded: body) else { return nil }
        var reader = SSHWireReader(bytes: Array(blob))
        guard reader.skipMagic("openssh-key-v1\0"),
              let cipher = reader.string(), reader.string() != nil, reader.string() != nil,
              reader.uint32() != nil, let publicKey = reader.bytes()
        else { return nil }
        var keyReader = SSHWireReader(bytes: publicKey)
        return SSHKeyFile(keyType: keyReader.string(), encrypted: cipher != "none")
    }
}

/// Reads the SSH wire encoding (RFC 4251): big-endian uint32 lengths before byte strings.
struct SSHWireReader {
    let data: [UInt8]
    var offset = 0

    init(bytes: [UInt8]) { data = bytes }

    mutating func skipMagic(_ magic: String) -> Bool {
        let expected = Array(magic.utf8)
        guard data.count >= expected.count, Array(data[0..<expected.count]) == expected else { return false }
        offset = expected.count
        return true
    }

    mutating func uint32() -> UInt32? {
        guard offset + 4 <= data.count else { return nil }
        defer { offset += 4 }
        return data[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func bytes() -> [UInt8]? {
        guard let length = uint32().map(Int.init), offset + length <= data.count else { return nil }
        defer { offset += length }
        return Array(data[offset..<offset + length])
    }

    mutating func string() -> String? {
        bytes().map { String(decoding: $0, as: UTF8.self) }
    }
}
