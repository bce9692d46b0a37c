import RClusterCLI

/// The executable only starts the command tree; everything else lives in libraries.
@main
enum RClusterMain {
    static func main() async {
        await RClusterCommand.main()
    }
}
