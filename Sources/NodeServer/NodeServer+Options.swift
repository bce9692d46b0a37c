import Foundation
import NodeEngine

extension NodeServer {
    /// redis-server's command line: `[config-file] [--directive value ...]`.
    /// Throws the fatal config error text redis-server would print.
    public static func options(from arguments: [String]) throws -> Options {
        let launchDirectory = FileManager.default.currentDirectoryPath
        var configFile: String?
        var rest = arguments
        var fileText = ""
        if let first = rest.first, !first.hasPrefix("-") {
            let path = URL(fileURLWithPath: first).standardizedFileURL.path
            switch readConfigFile(path) {
            case .success(let text): fileText = text
            case .failure(let failure): throw NodeServerError(failure.description)
            }
            configFile = path
            rest.removeFirst()
        }
        var config = ServerConfig()
        config.configFile = configFile ?? ""
        try config.load(fileText: fileText, commandLine: rest, fileName: configFile ?? "the command line",
                        environment: loadEnvironment)
        return Options(config: config, configFile: configFile, launchDirectory: launchDirectory)
    }

    /// daemonize yes (and no supervisor): starts the daemon and returns the
    /// starter's exit status, 0 as redis-server's parent; nil when this
    /// process is to serve (no daemonize, or it is the daemon).
    public static func detachIfDaemonizing(_ options: Options) -> Int32? {
        if Daemon.becomeDaemonIfMarked() { return nil }
        guard options.config.bool("daemonize"), !Supervision.detect(options.config["supervised"], log: { _ in }).isSupervised else {
            return nil
        }
        if let failure = Daemon.start(directory: options.launchDirectory) {
            FileHandle.standardError.write(Data("\(failure)\n".utf8))
            return 1
        }
        return 0
    }

    /// What loading needs from the process, as redis-server does it: include
    /// reads files, dir changes the working directory at once (later relative
    /// paths land there), and the log file must open for appending.
    static let loadEnvironment = ConfigLoadEnvironment(
        readFile: { path in readConfigFile(path) },
        changeDirectory: { path in
            guard chdir(path) == 0 else { return .failure(.init(String(cString: strerror(errno)))) }
            return .success(FileManager.default.currentDirectoryPath)
        },
        openLogFile: { path in
            guard let file = fopen(path, "a") else { return String(cString: strerror(errno)) }
            fclose(file)
            return nil
        })

    static func readConfigFile(_ path: String) -> Result<String, ConfigFileError> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(ConfigFileError(path: path, reason: String(cString: strerror(errno))))
        }
        return .success(String(decoding: data, as: UTF8.self))
    }
}
