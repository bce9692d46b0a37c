import Foundation
import Logging
import NIOCore
import NIOPosix
import NodeEngine
import RDB
import ProcessSignals

/// `rcluster server`: a node engine behind real sockets. One event loop
/// runs the engine and every client connection, as redis-server's one
/// main thread does.
public final class NodeServer: @unchecked Sendable {
    public struct Options: Sendable {
        public var config: ServerConfig
        public var configFile: String?
        /// Where the server was started, before the config's dir: a daemon starts there again.
        public var launchDirectory: String

        public init(config: ServerConfig, configFile: String?, launchDirectory: String = FileManager.default.currentDirectoryPath) {
            self.config = config
            self.configFile = configFile
            self.launchDirectory = launchDirectory
        }
    }

    var options: Options
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    /// The client listeners; after the start, touched on the event loop only.
    var channels: [any Channel] = []
    private var engine: NodeEngine?
    let logger: Logger
    let logSink: LogSink
    /// The repeating serverCron task, on the event loop.
    private var cron: RepeatedTask?
    /// The pid file written at start (daemonize or pidfile), removed at exit.
    private var pidFile: String?
    private let finished = DispatchSemaphore(value: 0)
    private var signalWatcher: SignalWatcher?
    private var stopping = false
    private var clusterStore: ClusterConfigStore?
    private var clusterBus: ClusterBusServer?
    private var migrateConnections: MigrateConnections?
    private var masterLinkConnection: MasterLinkConnection?
    /// Writes BGSAVE's snapshots and the AOF's rewritten bases off the event loop.
    private let filePool = NIOThreadPool(numberOfThreads: 1)
    /// The AOF's files, and the once-per-iteration write of its buffer before replies go out.
    private var appendOnlyStore: AOFFileStore?
    var beforeSleep: BeforeSleep?

    public init(options: Options) throws {
        self.options = options
        // redis-server changes to `dir` as it reads the directive, so a
        // relative logfile (and later the data files) land there.
        let directory = options.config["dir"]
        if !directory.isEmpty && !FileManager.default.changeCurrentDirectoryPath(directory) {
            throw NodeServerError("Can't chdir to '\(directory)': \(String(cString: strerror(errno)))")
        }
        self.options.config.record("dir", FileManager.default.currentDirectoryPath)
        let sink = try LogSink(path: options.config["logfile"])
        let level = RedisLogHandler.level(options.config["loglevel"])
        sink.level = level
        logSink = sink
        logger = Logger(label: "rcluster.server") { _ in RedisLogHandler(sink: sink) }
    }

    /// Starts, serves until SHUTDOWN or SIGTERM/SIGINT, and returns the exit status.
    public func run() -> Int32 {
        let config = options.config
        logger.warning("oO0OoO0OoO0Oo rcluster server (Redis \(EngineVersion.redisVersion) compatible) is starting oO0OoO0OoO0Oo")
        logger.warning("Redis version=\(EngineVersion.redisVersion), bits=64, commit=00000000, modified=0, pid=\(getpid()), just started")
        logger.warning(options.configFile == nil ? "Warning: no config file specified, using the default config. In order to specify a config file use rcluster server /path/to/redis.conf"
                                                  : "Configuration loaded")
        let supervision = Supervision.detect(config["supervised"]) { logger.warning("\($0)") }
        let loop = group.next()
        let port = Int(config.integer("port"))
        writePidFile(background: config.bool("daemonize") && !supervision.isSupervised)
        showBanner(port: port)
        logger.warning("Server initialized")
        for warning in ConfigGaps.warnings(config) { logger.warning("WARNING \(warning)") }
        do {
            let engine = try loop.submit { () -> NodeEngine in
                let engine = NodeEngine(config: config)
                engine.port = port
                engine.processID = getpid()
                engine.configFile = self.options.configFile ?? ""
                engine.executable = CommandLine.arguments.first.map { URL(fileURLWithPath: $0).standardizedFileURL.path } ?? ""
                engine.workingDirectory = FileManager.default.currentDirectoryPath
                engine.residentMemory = { Self.residentBytes() }
                engine.onBlock = { [weak engine] deadline in
                    let delay = max(0, deadline - Int64(Date().timeIntervalSince1970 * 1000))
                    loop.scheduleTask(in: .milliseconds(delay)) { engine?.expireBlockedClients() }
                }
                // A busy script goes on after each turn of the loop (which answers others with BUSY).
                engine.onScriptYield = { [weak engine] in
                    // Due a little later, not at once: NIO runs every task that is due before it
                    // polls its sockets again, and the point of parking is that it polls them.
                    loop.scheduleTask(in: .microseconds(200)) { engine?.resumeParkedScript() }
                }
                engine.configApplier = { [weak self, weak engine] changes in
                    let refusal = Self.applyDirectory(changes, engine) ?? self?.applyListeners(changes, engine)
                    if refusal == nil, let level = changes.first(where: { $0.name == "loglevel" }) {
                        self?.logSink.level = RedisLogHandler.level(level.value)
                    }
                    if refusal == nil, let hz = changes.first(where: { $0.name == "hz" }) {
                        self?.scheduleCron(loop: loop, hz: Int64(hz.value))
                    }
                    return refusal
                }
                engine.configRewriter = { [configFile = self.options.configFile] config in Self.rewrite(config, to: configFile) }
                engine.logger = { [logger = self.logger, sink = self.logSink, weak engine] level, message in
                    sink.role = engine?.isReplica == true ? "S" : "M"
                    Self.log(logger, level, message)
                }
                engine.onFatal = { _ in exit(1) }
                return engine
            }.wait()
            self.engine = engine
            if let refusal = try loadDataset(engine: engine, loop: loop) {
                if !refusal.isEmpty { logger.warning("\(refusal)") }
                try? group.syncShutdownGracefully()
                return 1
            }
            let migrations = MigrateConnections(engine: engine, loop: loop)
            try loop.submit { migrations.start() }.wait()
            migrateConnections = migrations
            let masterLink = MasterLinkConnection(engine: engine, loop: loop)
            try loop.submit { masterLink.start() }.wait()
            masterLinkConnection = masterLink
            if config.bool("cluster-enabled"), let refusal = try startCluster(engine: engine, loop: loop, port: port)
                ?? loop.submit({ engine.verifyClusterConfigWithData() }).wait() {
                logger.warning("\(refusal)")
                try? group.syncShutdownGracefully()
                return 1
            }
            try loop.submit { engine.startReplication() }.wait()
            try bind(engine: engine, loop: loop, port: port, addresses: config["bind"].split(separator: " ").map(String.init))
        } catch {
            logger.warning("Failed listening on port \(port) (tcp), aborting: \(error)")
            try? group.syncShutdownGracefully()
            return 1
        }
        installSignalHandlers()
        scheduleCron(loop: loop)
        logger.notice("Ready to accept connections tcp")
        supervision.signalReady()
        finished.wait()
        appendOnlyStore?.drain()
        removePidFile()
        try? group.syncShutdownGracefully()
        logger.warning("Redis is now ready to exit, bye bye...")
        return 0
    }

    /// clusterInit: nodes.conf locked and loaded (or a fresh node saved).
    /// Returns why the node cannot start.
    private func startCluster(engine: NodeEngine, loop: any EventLoop, port: Int) throws -> String? {
        let config = options.config
        if config.integer("cluster-port") == 0 && port > 65535 - 10000 {
            return "Redis port number too high. Cluster communication port is 10,000 port numbers higher than your Redis port. Your Redis port number must be 55535 or less."
        }
        let store = ClusterConfigStore(path: config["cluster-config-file"])
        if let refusal = store.lock() { return refusal }
        let text: String?
        do {
            text = try store.read()
        } catch {
            return "Loading the cluster node config from \(store.path): \(error)"
        }
        let busPort = config.integer("cluster-port") != 0 ? Int(config.integer("cluster-port")) : port + 10000
        let bus = ClusterBusServer(engine: engine, loop: loop, group: group)
        let refusal = try loop.submit { () -> String? in
            do {
                try engine.startCluster(configText: text)
            } catch {
                return "Unrecoverable error: corrupted cluster config file.\n\(store.path) \(error)"
            }
            engine.clusterConfigWriter = { text in store.write(text) }
            if let error = engine.flushClusterConfig() { return "Fatal: can't update cluster config file. (\(error))" }
            return nil
        }.wait()
        if let refusal { return refusal }
        do {
            try bus.start(port: busPort, addresses: config["bind"].split(separator: " ").map(String.init))
        } catch {
            return "Failed listening on port \(busPort) (cluster), aborting."
        }
        clusterStore = store
        clusterBus = bus
        return nil
    }

    static func log(_ logger: Logger, _ level: EngineLogLevel, _ message: String) {
        switch level {
        case .debug: logger.debug("\(message)")
        case .verbose: logger.info("\(message)")
        case .notice: logger.notice("\(message)")
        case .warning: logger.warning("\(message)")
        }
    }

    /// serverCron, hz times a second; CONFIG SET hz schedules it anew.
    private func scheduleCron(loop: any EventLoop, hz configured: Int64? = nil) {
        let hz = max(1, min(500, configured ?? options.config.integer("hz")))
        loop.execute { [self] in
            guard let engine else { return }
            cron?.cancel()
            let bound = NIOLoopBound(engine, eventLoop: loop)
            cron = loop.scheduleRepeatedTask(initialDelay: .milliseconds(1000 / hz), delay: .milliseconds(1000 / hz)) { _ in
                bound.value.cron()
            }
        }
    }

    private func installSignalHandlers() {
        signalWatcher = SignalWatcher([SIGTERM, SIGINT]) { [weak self] signalNumber in
            guard let self, let engine else { return }
            let name = signalNumber == SIGTERM ? "SIGTERM" : "SIGINT"
            logger.warning("Received \(name) scheduling shutdown...")
            group.next().execute { [self] in
                // shutdown-on-sigterm / -sigint: save or nosave override the
                // save points, force shuts down even when the save fails.
                let flags = engine.config[signalNumber == SIGTERM ? "shutdown-on-sigterm" : "shutdown-on-sigint"].split(separator: " ")
                let save: Bool? = flags.contains("nosave") ? false : flags.contains("save") ? true : nil
                // As redis-server: the final save (when save points are set) or no exit.
                guard engine.saveBeforeShutdown(save: save, force: flags.contains("force")) || flags.contains("force") else {
                    return logger.warning("Errors trying to shut down the server. Check the logs for more information.")
                }
                stop(reason: "User requested shutdown...")
            }
        }
    }

    /// Closes the listeners and lets run() return.
    func stop(reason: String) {
        group.next().execute { [self] in
            guard !stopping else { return }
            stopping = true
            logger.warning("\(reason)")
            let closing = channels.map { $0.close() } + (clusterBus.map { [$0.close()] } ?? [])
            EventLoopFuture.andAllComplete(closing, on: group.next()).whenComplete { _ in self.finished.signal() }
        }
    }

    /// The dataset before clients are served, as redis-server's main does:
    /// the AOF manifest (whatever appendonly says), then the AOF when
    /// appendonly is yes, else dump.rdb; then the AOF's incr file opened.
    /// nil, or why the start stops ("" when the engine logged it).
    private func loadDataset(engine: NodeEngine, loop: any EventLoop) throws -> String? {
        filePool.start()
        let store = RDBFileStore(loop: loop, pool: filePool) { [unowned engine] in engine.config["dbfilename"] }
        let appendOnly = AOFFileStore(directory: options.config["appenddirname"], fileName: options.config["appendfilename"],
                                      loop: loop, pool: filePool) { [weak self] in self?.beforeSleep?.schedule() }
        appendOnlyStore = appendOnly
        beforeSleep = BeforeSleep(loop: loop, engine: engine)
        try loop.submit {
            engine.snapshotStore = store
            engine.appendOnlyStore = appendOnly
        }.wait()
        guard try loop.submit({ engine.loadAppendOnlyManifest() }).wait() else { return "" }
        if options.config.bool("appendonly") {
            let opened = try loop.submit { engine.loadAppendOnlyDataset() && engine.openAppendOnlyOnStart() }.wait()
            return opened ? nil : ""
        }
        defer { _ = try? loop.submit { engine.openAppendOnlyOnStart() }.wait() }
        let directory = FileManager.default.currentDirectoryPath
        let path = (directory.hasSuffix("/") ? directory : directory + "/") + options.config["dbfilename"]
        let bytes: [UInt8]
        do {
            guard let file = try store.read() else { return nil }
            bytes = file
        } catch {
            return "Fatal error loading the DB: \(error). Exiting. (Check the permissions of \(path), or move it away to start with an empty dataset.)"
        }
        let started = Date()
        let result = try loop.submit { () -> Result<(loaded: Int, expired: Int), RDBFileReader.Failure> in
            do throws(RDBFileReader.Failure) { return .success(try engine.loadRDB(bytes)) } catch { return .failure(error) }
        }.wait()
        switch result {
        case .success(let keys):
            logger.notice("Done loading RDB, keys loaded: \(keys.loaded), keys expired: \(keys.expired).")
            logger.notice("DB loaded from disk: \(String(format3: Date().timeIntervalSince(started))) seconds")
            return nil
        case .failure(let failure):
            return "Fatal error loading the DB: \(path): \(failure). Exiting. (Move the file away to start with an empty dataset.)"
        }
    }

    /// createPidFile: when daemonized or asked for, best effort; a daemon
    /// without a pidfile writes redis-server's default one.
    private func writePidFile(background: Bool) {
        var path = options.config["pidfile"]
        guard background || !path.isEmpty else { return }
        if path.isEmpty { path = "/var/run/redis.pid" }
        pidFile = path
        if !FileManager.default.createFile(atPath: path, contents: Data("\(getpid())\n".utf8)) {
            logger.warning("Failed to write PID file: \(String(cString: strerror(errno)))")
        }
    }

    private func removePidFile() {
        guard let pidFile else { return }
        logger.notice("Removing the pid file.")
        try? FileManager.default.removeItem(atPath: pidFile)
    }

    /// redisAsciiArt: the logo as one raw block at notice level, or one line.
    private func showBanner(port: Int) {
        let config = options.config
        let mode = config.bool("cluster-enabled") ? "cluster" : "standalone"
        let shownPort = port != 0 ? port : Int(config.integer("tls-port"))
        if StartBanner.showsLogo(alwaysShowLogo: config.bool("always-show-logo"), syslog: config.bool("syslog-enabled"),
                                 logfile: config["logfile"]) {
            if logSink.level <= .notice {
                logSink.write(StartBanner.logo(version: EngineVersion.redisVersion, mode: mode, port: shownPort, pid: getpid()))
            }
        } else {
            logger.notice("\(StartBanner.runningLine(mode: mode, port: shownPort))")
        }
    }

    static func residentBytes() -> Int64 {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let pages = text.split(separator: " ").dropFirst().first.flatMap { Int64($0) } ?? 0
        return pages * Int64(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// CONFIG SET dir: the server changes into it (setConfigDirOption), or
    /// refuses with strerror's text.
    static func applyDirectory(_ changes: [(name: String, value: String)], _ engine: NodeEngine?) -> (name: String, reason: String)? {
        guard let change = changes.first(where: { $0.name == "dir" }) else { return nil }
        guard chdir(change.value) == 0 else { return ("dir", String(cString: strerror(errno))) }
        engine?.workingDirectory = FileManager.default.currentDirectoryPath
        return nil
    }

    /// CONFIG REWRITE: the file with every non-default directive, written atomically.
    static func rewrite(_ config: ServerConfig, to path: String?) -> String? {
        guard let path else { return "The server is running without a config file" }
        let original = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        do {
            try config.rewritten(original).write(toFile: path, atomically: true, encoding: .utf8)
            return nil
        } catch {
            return "\(error)"
        }
    }
}

extension NodeServer {
    public static var engineVersion: String { EngineVersion.redisVersion }
}
