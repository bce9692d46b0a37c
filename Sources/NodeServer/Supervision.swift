import Foundation

/// supervised upstart|systemd|auto (server.c redisIsSupervised): under a
/// supervisor the server does not daemonize, and tells it when it is ready.
enum Supervision {
    case none
    case upstart
    case systemd(socket: String)

    /// The supervisor the config and the environment name, as redis-server
    /// finds it: auto picks upstart by UPSTART_JOB, systemd by NOTIFY_SOCKET.
    static func detect(_ mode: String, log: (String) -> Void) -> Supervision {
        let environment = ProcessInfo.processInfo.environment
        var mode = mode
        if mode == "auto" {
            if environment["UPSTART_JOB"] != nil { mode = "upstart" } else if environment["NOTIFY_SOCKET"] != nil { mode = "systemd" }
        }
        switch mode {
        case "upstart":
            guard environment["UPSTART_JOB"] != nil else {
                log("upstart supervision requested, but UPSTART_JOB not found!")
                return .none
            }
            return .upstart
        case "systemd":
            guard let socket = environment["NOTIFY_SOCKET"], !socket.isEmpty else {
                log("systemd supervision requested or auto-detected, but NOTIFY_SOCKET is not set!")
                return .none
            }
            return .systemd(socket: socket)
        default:
            return .none
        }
    }

    var isSupervised: Bool {
        if case .none = self { return false }
        return true
    }

    /// Upstart waits for the job to stop itself; systemd for READY=1.
    func signalReady() {
        switch self {
        case .none: break
        case .upstart:
            unsetenv("UPSTART_JOB")
            raise(SIGSTOP)
        case .systemd(let socket):
            Self.notifySystemd(socket, "STATUS=Ready to accept connections\n")
            Self.notifySystemd(socket, "READY=1\n")
        }
    }

    /// sd_notify: one datagram to the unix socket systemd named ('@' for
    /// the abstract namespace).
    static func notifySystemd(_ path: String, _ message: String) {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in buffer.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
        _ = message.withCString { text in
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, text, strlen(text), 0, $0, length)
                }
            }
        }
    }
}
