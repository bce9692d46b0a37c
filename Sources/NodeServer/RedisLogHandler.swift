import Foundation
import Logging

/// swift-log in redis-server's line format:
/// `pid:M 29 Nov 2026 21:52:53.123 * message`, where the letter is the
/// role (M master, S replica) and the mark after the time is the level
/// (`.` debug, `-` verbose, `*` notice, `#` warning).
struct RedisLogHandler: LogHandler {
    let sink: LogSink
    /// swift-log's own filter lets everything through; the sink's level
    /// (loglevel, which CONFIG SET changes) decides.
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        guard level >= sink.level else { return }
        let mark: String
        switch level {
        case .trace, .debug: mark = "."
        case .info: mark = "-"
        case .notice: mark = "*"
        default: mark = "#"
        }
        sink.write("\(getpid()):\(sink.role) \(Self.timestamp()) \(mark) \(message)\n")
    }

    static func timestamp() -> String {
        var now = timeval()
        gettimeofday(&now, nil)
        var seconds = now.tv_sec
        var parts = tm()
        localtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, 64, "%d %b %Y %H:%M:%S", &parts)
        let text = String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text + "." + String(zeroPadded: Int(now.tv_usec) / 1000, width: 3)
    }

    /// redis.conf's loglevel as a swift-log level.
    static func level(_ name: String) -> Logger.Level {
        switch name {
        case "debug": .debug
        case "verbose": .info
        case "warning": .warning
        default: .notice
        }
    }
}

/// Where log lines go: a file opened for appending, or standard output.
final class LogSink: @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()
    private var minimumLevel = Logger.Level.notice
    private var roleLetter: Character = "M"

    /// The role letter of each line: set from the engine's role as it logs.
    var role: Character {
        get { lock.withLock { roleLetter } }
        set { lock.withLock { roleLetter = newValue } }
    }

    /// The lowest level written (loglevel).
    var level: Logger.Level {
        get { lock.withLock { minimumLevel } }
        set { lock.withLock { minimumLevel = newValue } }
    }

    init(path: String) throws {
        if path.isEmpty {
            handle = FileHandle.standardOutput
        } else {
            if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
            guard let file = FileHandle(forWritingAtPath: path) else {
                throw NodeServerError("Can't open the log file: \(String(cString: strerror(errno)))")
            }
            file.seekToEndOfFile()
            handle = file
        }
    }

    func write(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        handle.write(Data(line.utf8))
    }
}

struct NodeServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
