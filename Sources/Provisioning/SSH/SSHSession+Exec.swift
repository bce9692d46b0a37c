import CLibSSH2
import Foundation

extension SSHSession {
    /// Runs one command in its own channel. Standard input, when given, is
    /// written to the channel: that is how secrets and files travel, never in
    /// argv. stdout and stderr are drained together so neither can fill its
    /// window and stall the other.
    func run(_ command: String, stdin: [UInt8]?, timeout: Duration, outputLimit: Int = 64 << 20) throws(SSHError) -> SSHCommandResult {
        try begin("command `\(command.prefix(60))`", budget: timeout)
        let session = self.session
        guard let channel = try callForPointer({ rc_ssh2_channel_open_session(session) }) else {
            throw fail("opening a channel")
        }
        defer { libssh2_channel_free(channel) }
        let started = try call { command.withCString { rc_ssh2_channel_exec(channel, $0, UInt32(strlen($0))) } }
        guard started == 0 else { throw fail("starting `\(command.prefix(60))`") }

        var input = stdin ?? []
        var inputOffset = 0
        var eofSent = false
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 32 * 1024)
        while true {
            var progressed = false
            if inputOffset < input.count {
                let written = input[inputOffset...].withUnsafeBytes {
                    libssh2_channel_write_ex(channel, 0, $0.baseAddress?.assumingMemoryBound(to: CChar.self), $0.count)
                }
                if written > 0 { inputOffset += written; progressed = true }
                else if written != LIBSSH2_ERROR_EAGAIN { throw fail("sending standard input") }
            } else if !eofSent {
                let status = libssh2_channel_send_eof(channel)
                if status == 0 { eofSent = true; input = []; progressed = true }
                else if status != LIBSSH2_ERROR_EAGAIN { throw fail("closing standard input") }
            }
            for (stream, isError) in [(Int32(0), false), (rc_ssh2_stderr_stream(), true)] {
                let count = buffer.withUnsafeMutableBytes {
                    libssh2_channel_read_ex(channel, stream, $0.baseAddress?.assumingMemoryBound(to: CChar.self), $0.count)
                }
                if count > 0 {
                    if isError { stderr += buffer[0..<count] } else { stdout += buffer[0..<count] }
                    progressed = true
                } else if count < 0 && count != LIBSSH2_ERROR_EAGAIN {
                    throw fail("reading the output")
                }
            }
            if stdout.count + stderr.count > outputLimit {
                throw fail("the command printed more than \(outputLimit >> 20) MiB")
            }
            if !progressed {
                // The remote side closed its output: done, even if it never read all of stdin.
                if libssh2_channel_eof(channel) == 1 { break }
                try waitForSocket()
            }
        }
        _ = try call { libssh2_channel_close(channel) }
        _ = try call { libssh2_channel_wait_closed(channel) }
        return SSHCommandResult(exitStatus: libssh2_channel_get_exit_status(channel), stdout: stdout, stderr: stderr)
    }
}
