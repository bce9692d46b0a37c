import Foundation

/// redis-server's start banner (asciilogo.h, printed by redisAsciiArt):
/// the logo with the version, mode, port and pid, logged as one raw block
/// at notice level when always-show-logo is yes, or when the log is a
/// terminal's standard output. Otherwise one line names the mode and port.
enum StartBanner {
    /// The banner with its %s/%d fields filled as redis-server fills them:
    /// version, git sha1 and dirty flag, bits, mode, port, pid.
    static func logo(version: String, mode: String, port: Int, pid: Int32) -> String {
        template
            .replacingOccurrences(of: "{version}", with: version)
            .replacingOccurrences(of: "{mode}", with: mode)
            .replacingOccurrences(of: "{port}", with: String(port))
            .replacingOccurrences(of: "{pid}", with: String(pid))
    }

    static func runningLine(mode: String, port: Int) -> String { "Running mode=\(mode), port=\(port)." }

    /// Whether redis-server would print the logo: forced, or a terminal's
    /// standard output without syslog.
    static func showsLogo(alwaysShowLogo: Bool, syslog: Bool, logfile: String) -> Bool {
        alwaysShowLogo || (!syslog && logfile.isEmpty && isatty(STDOUT_FILENO) != 0)
    }

    // The logo ends with an empty line, as asciilogo.h's does.
    private static let template = #"""
                _._                                                  
           _.-``__ ''-._                                             
      _.-``    `.  `_.  ''-._           Redis {version} (00000000/0) 64 bit
  .-`` .-```.  ```\/    _.,_ ''-._                                  
 (    '      ,       .-`  | `,    )     Running in {mode} mode
 |`-._`-...-` __...-.``-._|'` _.-'|     Port: {port}
 |    `-._   `._    /     _.-'    |     PID: {pid}
  `-._    `-._  `-./  _.-'    _.-'                                   
 |`-._`-._    `-.__.-'    _.-'_.-'|                                  
 |    `-._`-._        _.-'_.-'    |           https://redis.io       
  `-._    `-._`-.__.-'_.-'    _.-'                                   
 |`-._`-._    `-.__.-'    _.-'_.-'|                                  
 |    `-._`-._        _.-'_.-'    |                                  
  `-._    `-._`-.__.-'_.-'    _.-'                                   
      `-._    `-.__.-'    _.-'                                       
          `-._        _.-'                                           
              `-.__.-'                                               


"""#
}
