import Foundation
import RClusterCLI

/// The executable only starts the command tree; everything else lives in libraries.
@main
enum RClusterMain {
    static func main() async {
        // `rcluster server` takes redis-server's own argument form (--port 7000 ...),
        // which the option parser would refuse: it is handed over as it is.
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "server" {
            exit(ServerCommand.serve(Array(arguments.dropFirst())))
        }
        await RClusterCommand.main()
    }
}
