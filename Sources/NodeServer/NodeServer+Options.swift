import Foundation
import NodeEngine

extension NodeServer {
    /// redis-server's command line: `[config-file] [--directive value ...]`.
    /// Throws the fatal config error text redis-server would print.
    public static func options(from arguments: [String]) throws -> Options {
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
        return Options(config: config, configFile: configFile)
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
