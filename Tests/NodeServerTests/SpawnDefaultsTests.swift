import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// What a child gets from us (SpawnDefaults, shared by the node daemon,
/// `local up` and the tests' children): stdio and nothing else, no signal
/// blocked or ignored, whatever this process holds at the time.
@Suite struct SpawnDefaultsTests {
    @Test func aChildHoldsOnlyItsStdioAndEverySignalAtItsDefault() throws {
        // A descriptor opened without close-on-exec, as a library might.
        let leaked = open("/dev/null", O_RDONLY)
        #expect(leaked > STDERR_FILENO)
        defer { close(leaked) }
        // ChildProcess ignores SIGPIPE here, and Swift concurrency's threads block signals.
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGUSR1)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }

        let child = try ChildProcess.spawn("/bin/sleep", ["30"]).process
        defer { child.signal(SIGKILL); _ = child.waitUntilExit() }
        let pid = child.processIdentifier
        // exec has happened once /proc shows sleep's own command line.
        for _ in 0..<500 where !((try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? "").hasPrefix("/bin/sleep") {
            usleep(2000)
        }
        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").compactMap(Int.init).sorted()
        #expect(descriptors == [0, 1, 2])
        let lines = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.contains("SigBlk:\t0000000000000000"), "\(lines)")
        // glibc keeps its two internal signals (32, 33: thread cancellation
        // and setxid) ignored in the child; every ordinary one is at its default.
        let ignored = lines.first { $0.hasPrefix("SigIgn:") }.flatMap { UInt64($0.dropFirst(7).trimmingCharacters(in: .whitespaces), radix: 16) }
        #expect(ignored.map { $0 & 0x7FFF_FFFF } == 0, "\(lines)")
    }
}
