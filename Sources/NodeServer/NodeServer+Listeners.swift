import Foundation
import NIOCore
import NIOPosix
import NodeEngine

/// The client listeners: bound at start, and moved by CONFIG SET port and
/// bind (changeListenPort / changeBindAddr in redis-server).
extension NodeServer {
    func bind(engine: NodeEngine, loop: any EventLoop, port: Int, addresses: [String]) throws {
        channels = try Self.bind(makeBootstrap(engine), port: port, addresses: addresses)
    }

    private func makeBootstrap(_ engine: NodeEngine) -> ServerBootstrap {
        ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: Int32(options.config.integer("tcp-backlog")))
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.socketOption(.so_keepalive), value: options.config.integer("tcp-keepalive") > 0 ? 1 : 0)
            .childChannelInitializer { [weak self] channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let beforeSleep = self?.beforeSleep else { throw NodeServerError("the server is stopping") }
                    let handler = ClientHandler(engine: engine, beforeSleep: beforeSleep) { self?.stop(reason: "User requested shutdown...") }
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
    }

    /// Binds every address of a `bind` directive (`*` and `::*` for all, a
    /// leading `-` for one that may be missing); at least one must bind.
    static func bind(_ bootstrap: ServerBootstrap, port: Int, addresses: [String]) throws -> [any Channel] {
        var bound: [any Channel] = []
        for address in addresses.map(ListenAddress.init) {
            do {
                bound.append(try bootstrap.bind(host: address.host, port: port).wait())
            } catch where address.optional {
                continue
            }
        }
        guard !bound.isEmpty else { throw NodeServerError("no address of '\(addresses.joined(separator: " "))' could be bound") }
        return bound
    }

    /// CONFIG SET port / bind, on the event loop: every new address is tried
    /// at once (the reply says whether they bind, as redis-server's does),
    /// then the listeners move without blocking the loop.
    func applyListeners(_ changes: [(name: String, value: String)], _ engine: NodeEngine?) -> (name: String, reason: String)? {
        let newPort = changes.first { $0.name == "port" }.map { Int($0.value) ?? 0 }
        let newBind = changes.first { $0.name == "bind" }?.value
        guard let engine, newPort != nil || newBind != nil else { return nil }
        let port = newPort ?? Int(engine.config.integer("port"))
        let addresses = (newBind ?? engine.config["bind"]).split(separator: " ").map { ListenAddress(String($0)) }
        let refusal = newPort != nil ? ("port", "Unable to listen on this port. Check server logs.")
                                     : ("bind", "Failed to bind to specified addresses.")
        // A bind change closes the old listeners first (a wildcard one would
        // hold the port), and binds them again if the new ones cannot bind.
        // Closing on the channel's own loop closes the socket at once.
        var restore: [ListenAddress] = []
        if newPort == nil {
            restore = engine.config["bind"].split(separator: " ").map { ListenAddress(String($0)) }
            for channel in channels { channel.close(promise: nil) }
            channels.removeAll()
        }
        let current = Set(channels.compactMap { $0.localAddress.map(ListenAddress.key) })
        // The new sockets listen before the reply, so a client told OK can
        // connect at once; the event loop takes them over afterwards.
        var opened: [CInt] = []
        var failed = false
        for address in addresses where port != 0 && !current.contains("\(address.host)|\(port)") {
            switch ListenAddress.open(address.host, port, backlog: Int32(options.config.integer("tcp-backlog"))) {
            case .success(let fd): opened.append(fd)
            case .failure(let failure):
                logger.warning("Warning: Could not create server TCP listening socket \(address.host):\(port): \(failure.reason)")
                if !address.optional { failed = true }
            }
        }
        let listening = opened.count + channels.count
        if failed || (port != 0 && listening == 0) {
            opened.forEach { close($0) }
            if !restore.isEmpty { adopt(restore.compactMap { try? ListenAddress.open($0.host, port, backlog: 511).get() }, engine) }
            return refusal
        }
        let keep = Set(port == 0 ? [] : addresses.map { "\($0.host)|\(port)" })
        let old = channels.filter { !keep.contains($0.localAddress.map(ListenAddress.key) ?? "") }
        channels.removeAll { channel in old.contains { $0 === channel } }
        for channel in old { channel.close(promise: nil) }
        adopt(opened, engine)
        engine.port = port
        return nil
    }

    /// Hands listening sockets to the event loop; each joins `channels`.
    private func adopt(_ sockets: [CInt], _ engine: NodeEngine) {
        let bootstrap = makeBootstrap(engine)
        for fd in sockets {
            bootstrap.withBoundSocket(fd).whenComplete { [weak self] result in
                switch result {
                case .success(let channel): self?.channels.append(channel)
                case .failure(let error): self?.logger.warning("Failed listening on a moved socket: \(error)")
                }
            }
        }
    }
}

/// One word of `bind`: `*` and `::*` for every address, `-` before one
/// that may be missing.
struct ListenAddress {
    let host: String
    let optional: Bool

    init(_ word: String) {
        optional = word.hasPrefix("-")
        let host = optional ? String(word.dropFirst()) : word
        self.host = host == "*" ? "0.0.0.0" : host == "::*" ? "::" : host
    }

    static func key(_ address: SocketAddress) -> String { "\(address.ipAddress ?? "")|\(address.port ?? 0)" }

    struct OpenFailure: Error { let reason: String }

    /// A socket listening there, or strerror's text.
    static func open(_ host: String, _ port: Int, backlog: Int32) -> Result<CInt, OpenFailure> {
        guard let address = try? SocketAddress.makeAddressResolvingHost(host, port: port) else {
            return .failure(OpenFailure(reason: "Name or service not known"))
        }
        let fd = socket(address.protocol.rawValue, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return .failure(OpenFailure(reason: String(cString: strerror(errno)))) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if address.protocol == .inet6 { setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size)) }
        let bound = address.withSockAddr { pointer, length in Glibc.bind(fd, pointer, socklen_t(length)) }
        guard bound == 0, listen(fd, backlog) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            return .failure(OpenFailure(reason: reason))
        }
        return .success(fd)
    }
}
