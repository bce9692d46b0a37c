import ArgumentParser

/// The root of the command tree.
public struct RClusterCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rcluster",
        abstract: "Create, inspect and operate Redis Cluster 7.0.",
        version: "0.1.0",
        subcommands: [
            CreateCommand.self, CheckCommand.self, InfoCommand.self, CallCommand.self,
            AddNodeCommand.self, DelNodeCommand.self, SetTimeoutCommand.self, ReshardCommand.self, RebalanceCommand.self, FixCommand.self, ImportCommand.self, BackupCommand.self, LocalCommand.self,
            DeployCommand.self, StatusCommand.self, DestroyCommand.self, ServerCommand.self,
        ]
    )

    public init() {}
}
