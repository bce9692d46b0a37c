import CLibSSH2
import Foundation

extension SSHSession {
    /// With an explicit key file, that key only. Otherwise the agent's
    /// identities, then the usual ~/.ssh keys, as OpenSSH does.
    func authenticate(_ credentials: SSHCredentials) throws(SSHError) {
        var tried: [String] = []
        if let keyPath = credentials.privateKeyPath {
            if try authenticate(withKey: keyPath, credentials, explicit: true, tried: &tried) { return }
            if SSHKeyFile.inspect(path: keyPath)?.isRSA == true {
                throw .rsaSignatureRefused(endpoint, keyPath: keyPath)
            }
            throw .authenticationFailed(endpoint, tried: tried)
        }
        if credentials.useAgent, let socket = credentials.agentSocket, try authenticateWithAgent(socket: socket, tried: &tried) { return }
        for name in ["id_ed25519", "id_ecdsa", "id_rsa"] {
            let path = HomeDirectory.path + "/.ssh/" + name
            guard FileManager.default.isReadableFile(atPath: path) else { continue }
            if try authenticate(withKey: path, credentials, explicit: false, tried: &tried) { return }
        }
        throw .authenticationFailed(endpoint, tried: tried)
    }

    private func authenticate(withKey path: String, _ credentials: SSHCredentials, explicit: Bool, tried: inout [String]) throws(SSHError) -> Bool {
        guard let key = SSHKeyFile.inspect(path: path) else { throw .keyFileUnreadable(path: path) }
        var passphrase: String?
        if key.encrypted {
            passphrase = credentials.passphrase?(path)
            if passphrase == nil {
                if explicit { throw .passphraseRequired(endpoint, keyPath: path) }
                tried.append("\(path) (encrypted, no passphrase given)")
                return false
            }
        }
        tried.append(path)
        let user = endpoint.user
        let status = try call { rc_ssh2_userauth_publickey_fromfile(session, user, nil, path, passphrase) }
        if status == 0 { return true }
        if status == LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED || status == LIBSSH2_ERROR_FILE, key.encrypted {
            throw .channelFailed(endpoint, what: "unlocking \(path)", "wrong passphrase? \(lastError())")
        }
        return false
    }

    private func authenticateWithAgent(socket: String, tried: inout [String]) throws(SSHError) -> Bool {
        guard let agent = libssh2_agent_init(session) else { return false }
        libssh2_agent_set_identity_path(agent, socket)
        // libssh2 1.10 closes its socket when the agent cannot be reached but
        // keeps the number, and disconnect/free close it again: by then the
        // number may be another thread's connection. Such an agent is left
        // unfreed (a few hundred bytes) rather than risk that second close.
        guard libssh2_agent_connect(agent) == 0 else { return false }
        defer {
            libssh2_agent_disconnect(agent)
            libssh2_agent_free(agent)
        }
        guard libssh2_agent_list_identities(agent) == 0 else { return false }
        var previous: UnsafeMutablePointer<libssh2_agent_publickey>?
        while true {
            var identity: UnsafeMutablePointer<libssh2_agent_publickey>?
            guard libssh2_agent_get_identity(agent, &identity, previous) == 0, let identity else { return false }
            let comment = identity.pointee.comment.map { String(cString: $0) } ?? "?"
            tried.append("agent key '\(comment)'")
            let user = endpoint.user
            if try call({ libssh2_agent_userauth(agent, user, identity) }) == 0 { return true }
            previous = identity
        }
    }
}
