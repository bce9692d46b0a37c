import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where output goes, and whether it may be coloured: only on a TTY, never
/// with NO_COLOR or TERM=dumb (unlike the reference, which colours files too).
struct Terminal: Sendable {
    let environment: [String: String]
    let useColour: Bool

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
        useColour = isatty(STDOUT_FILENO) == 1 && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
    }

    var isInteractive: Bool { isatty(STDIN_FILENO) == 1 }

    /// Each line is flushed: a log or a pipe (`| tee`) sees a long move's
    /// progress as it happens, not when the process ends.
    func print(_ line: String) {
        Swift.print(useColour ? colourise(line) : line)
        fflush(nil)  // all streams: stdout is a C global Swift 6 will not touch
    }

    func warn(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Prints a question without a newline and reads one line of answer.
    func ask(_ question: String) -> String? {
        Swift.print(question, terminator: "")
        fflush(nil)  // all streams: stdout is a C global Swift 6 will not touch
        return readLine()?.trimmingCharacters(in: .whitespaces)
    }

    func readSecret(prompt: String) -> String? {
        guard isInteractive, let pointer = getpass(prompt) else { return nil }
        return String(cString: pointer)
    }

    private func colourise(_ line: String) -> String {
        let styles: [(prefix: String, code: String)] = [(">>>", "1"), ("[OK]", "32"), ("[WARNING]", "33"), ("[ERR]", "31")]
        guard let style = styles.first(where: { line.hasPrefix($0.prefix) }) else { return line }
        return "\u{1B}[\(style.code)m\(line)\u{1B}[0m"
    }
}
