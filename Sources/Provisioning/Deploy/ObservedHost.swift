/// What a host actually has, as read over SSH before anything is changed.
public struct ObservedHost: Sendable, Equatable {
    public enum Docker: Sendable, Equatable {
        case running(version: String)
        case notInstalled
        case notAnswering(String)
    }

    public struct Container: Sendable, Equatable {
        public var name: String
        public var state: String
        public var cluster: String
        public var spec: String
        public var isRunning: Bool { state == "running" }
    }

    public var docker: Docker
    /// redis.conf text per port; absent when the file does not exist.
    public var configs: [Int: String] = [:]
    /// The redis.conf each running node was last (re)started with by deploy,
    /// so a run interrupted between writing a file and restarting its node
    /// still restarts it next time.
    public var appliedConfigs: [Int: String] = [:]
    public var containers: [String: Container] = [:]
    public var imagePresent = false
    /// Listening TCP ports and who holds them ("redis-server", "nginx" ...).
    public var listeners: [Int: String] = [:]
    /// False when the host has no `ss` to list listeners.
    public var listenersKnown = false
}
