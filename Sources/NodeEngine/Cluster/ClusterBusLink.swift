import ClusterBus

/// One bus connection (clusterLink): outbound to a node this node opened,
/// or inbound, bound to its node once a message names the sender.
final class ClusterBusLink {
    let id: Int
    let outbound: Bool
    weak var node: ClusterNode?
    let createdAt: Int64
    /// The socket's own address (this node's IP as its peer sees it) and the peer's.
    var localIP: String
    var peerIP: String
    var decoder = ClusterFrameDecoder()
    var connected = false

    init(id: Int, outbound: Bool, node: ClusterNode?, createdAt: Int64, localIP: String = "", peerIP: String = "") {
        self.id = id
        self.outbound = outbound
        self.node = node
        self.createdAt = createdAt
        self.localIP = localIP
        self.peerIP = peerIP
    }
}

/// The bus's entry points: the server reports what happened on the links.
extension NodeEngine {
    /// An outbound link is up: greet with MEET or PING (clusterLinkConnectHandler).
    public func busLinkConnected(_ id: Int, localIP: String) {
        now = clock.milliseconds()
        guard let cluster, let link = cluster.links[id], let node = link.node else { return }
        link.connected = true
        link.localIP = localIP
        link.peerIP = node.ip
        let pingSentBefore = node.pingSent
        sendPing(link, node.flags.contains(.meet) ? .meet : .ping)
        if pingSentBefore != 0 { node.pingSent = pingSentBefore }
        node.flags.remove(.meet)
    }

    /// A node connected to the bus port; returns the link's ID.
    public func busLinkAccepted(localIP: String, peerIP: String) -> Int {
        now = clock.milliseconds()
        guard let cluster else { return -1 }
        let link = ClusterBusLink(id: cluster.nextLinkID, outbound: false, node: nil, createdAt: now,
                                  localIP: localIP, peerIP: peerIP)
        link.connected = true
        cluster.nextLinkID += 1
        cluster.links[link.id] = link
        return link.id
    }

    /// The link closed or could not connect (freeClusterLink).
    public func busLinkClosed(_ id: Int) {
        now = clock.milliseconds()
        guard let cluster, let link = cluster.links.removeValue(forKey: id) else { return }
        if let node = link.node {
            if node.outboundLink == id { node.outboundLink = nil }
            if node.inboundLink == id { node.inboundLink = nil }
        }
    }

    /// Bytes from a link: whole messages are processed, a framing error
    /// closes the link (the stream cannot be resynchronised).
    public func busReceived(_ id: Int, _ bytes: some Sequence<UInt8>) {
        now = clock.milliseconds()
        guard let cluster, let link = cluster.links[id] else { return }
        link.decoder.append(bytes)
        while cluster.links[id] != nil {
            let frame: [UInt8]?
            do {
                frame = try link.decoder.next()
            } catch {
                log(.warning, "Closing the cluster bus link from \(link.peerIP): \(error)")
                freeLink(link)
                break
            }
            guard let frame else { break }
            process(frame, on: link)
        }
        clusterBeforeSleep()
    }

    // MARK: Links, from the engine's side

    /// Opens an outbound link to `node` (clusterNodeCronHandleReconnect).
    func openLink(to node: ClusterNode) {
        guard let cluster else { return }
        let link = ClusterBusLink(id: cluster.nextLinkID, outbound: true, node: node, createdAt: now)
        cluster.nextLinkID += 1
        cluster.links[link.id] = link
        node.outboundLink = link.id
        busOutput?(.connect(link: link.id, ip: node.ip, port: node.busPort))
    }

    func freeLink(_ link: ClusterBusLink) {
        busLinkClosed(link.id)
        busOutput?(.close(link: link.id))
    }

    func freeLinks(of node: ClusterNode) {
        for id in [node.outboundLink, node.inboundLink].compactMap({ $0 }) {
            if let link = cluster?.links[id] { freeLink(link) }
        }
    }

    /// clusterDelNode, with the links closed.
    func deleteNode(_ node: ClusterNode) {
        freeLinks(of: node)
        cluster?.remove(node)
    }

    /// setClusterNodeToInboundClusterLink: an older inbound link goes.
    func bindInbound(_ link: ClusterBusLink, to node: ClusterNode) {
        if let old = node.inboundLink, old != link.id, let previous = cluster?.links[old] { freeLink(previous) }
        node.inboundLink = link.id
        link.node = node
    }

    /// CLUSTER LINKS: links bound to a node, with what their sockets have
    /// not taken yet (events "rw" while some is pending, as redis-server shows).
    func clusterLinks() -> [ClusterLinkInfo] {
        guard let cluster else { return [] }
        return cluster.links.values.sorted { $0.id < $1.id }.compactMap { link in
            guard let node = link.node else { return nil }
            let pending = busLinkPendingBytes?(link.id) ?? 0
            let events = link.connected ? (pending > 0 ? "rw" : "r") : (pending > 0 ? "w" : "")
            return ClusterLinkInfo(outbound: link.outbound, nodeID: node.id, createdAt: link.createdAt,
                                   events: events, sendBufferAllocated: pending, sendBufferUsed: pending)
        }
    }

    /// cluster-link-sendbuf-limit: a link whose peer does not read is freed
    /// (and reconnected by the cron) instead of holding memory without end.
    func freeLinksOverTheSendLimit() {
        guard let cluster, case let limit = Int(config.integer("cluster-link-sendbuf-limit")), limit > 0 else { return }
        for link in cluster.links.values where (busLinkPendingBytes?(link.id) ?? 0) > limit {
            log(.warning, "Freeing cluster link(\(link.outbound ? "to" : "from") node \(link.node?.id ?? "?"), used memory: \(busLinkPendingBytes?(link.id) ?? 0)) due to exceeding send buffer memory limit.")
            cluster.linksOverSendLimit += 1
            freeLink(link)
        }
    }
}
