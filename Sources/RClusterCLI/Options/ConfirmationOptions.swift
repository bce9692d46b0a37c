import ArgumentParser

/// `--yes` (and redis-cli's `--cluster-yes`, or REDISCLI_CLUSTER_YES=1).
struct ConfirmationOptions: ParsableArguments {
    @Flag(name: [.customShort("y"), .customLong("yes"), .customLong("cluster-yes")],
          help: "Apply without asking (also REDISCLI_CLUSTER_YES=1).")
    var yes = false

    /// Asks on a terminal; without one (or with --json), refuses unless told yes.
    func confirm(_ question: String, terminal: Terminal, json: Bool) throws -> Bool {
        if yes || terminal.environment["REDISCLI_CLUSTER_YES"] == "1" { return true }
        guard terminal.isInteractive, !json else {
            throw ValidationError("not asking on a non-interactive run: add --yes to apply, or --dry-run to only print the plan")
        }
        return terminal.ask("\(question) (type 'yes' to accept): ") == "yes"
    }
}
