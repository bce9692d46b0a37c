import Foundation

/// Runs a program to completion and captures what it printed.
public struct ProcessResult: Sendable {
    public let exitCode: Int32
    public let stdout: String
    public let stderr: String
}

public enum ProcessRunner {
    /// Runs on a thread of its own: blocking waits inside Swift concurrency's
    /// small cooperative pool (2 threads on 2 cores) would starve every other
    /// test, and dozens of them at once exhausted Dispatch's worker pool too
    /// (an SSH test then waited half a minute for a thread).
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                           stdin: String? = nil) async throws -> ProcessResult {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    try runBlocking(executable, arguments, environment: environment, stdin: stdin)
                })
            }
        }
    }

    public static func runBlocking(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                                   stdin: String? = nil) throws -> ProcessResult {
        var env = environment
        env["TERM"] = env["TERM"] ?? "dumb"
        let (process, input, output, errors) = try ChildProcess.spawn(executable, arguments, environment: env,
                                                                      stdinPipe: stdin != nil, stdout: .pipe, stderr: .pipe)
        if let input {
            // On its own thread: a child that writes before it reads must not deadlock us.
            let bytes = Array((stdin ?? "").utf8)
            Thread.detachNewThread {
                var offset = 0
                while offset < bytes.count {
                    let written = bytes[offset...].withUnsafeBytes { write(input, $0.baseAddress, $0.count) }
                    if written <= 0 { break }
                    offset += written
                }
                close(input)
            }
        }
        let (out, err) = drain(output!, errors!)
        return ProcessResult(exitCode: process.waitUntilExit(), stdout: String(decoding: out, as: UTF8.self),
                             stderr: String(decoding: err, as: UTF8.self))
    }

    /// Reads two pipes to their ends together, so neither can fill up and stall the child.
    private static func drain(_ first: Int32, _ second: Int32) -> ([UInt8], [UInt8]) {
        var collected: [[UInt8]] = [[], []]
        var open = [true, true]
        var buffer = [UInt8](repeating: 0, count: 65536)
        let fds = [first, second]
        while open.contains(true) {
            var polled = fds.enumerated().filter { open[$0.offset] }.map { pollfd(fd: $0.element, events: Int16(POLLIN), revents: 0) }
            guard poll(&polled, nfds_t(polled.count), -1) >= 0 || errno == EINTR else { break }
            for entry in polled where entry.revents != 0 {
                let index = fds.firstIndex(of: entry.fd)!
                let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if count > 0 { collected[index] += buffer[0..<count] } else if count == 0 || errno != EINTR {
                    open[index] = false
                    close(entry.fd)
                }
            }
        }
        return (collected[0], collected[1])
    }

    public static func which(_ name: String) throws -> String {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw TestSupportError("'\(name)' is not on PATH; run `make test`, which installs it")
    }
}

public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
