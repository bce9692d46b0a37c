import ArgumentParser
import Foundation

/// `--yes` (and redis-cli's `--cluster-yes`, or REDISCLI_CLUSTER_YES=1).
struct ConfirmationOptions: ParsableArguments {
    @Flag(name: [.customShort("y"), .customLong("yes"), .customLong("cluster-yes")],
          help: "Apply without asking (also REDISCLI_CLUSTER_YES=1).")
    var yes = false

    /// Asks on a terminal; without one (or with --json), refuses unless told yes.
    func confirm(_ question: String, terminal: Terminal, json: Bool) throws -> Bool {
        if yes || terminal.environment["REDISCLI_CLUSTER_YES"] == "1" { return true }
        guard !json else {
            throw ValidationError("--json prints no prompt: add --yes to apply, or --dry-run to only print the plan")
        }
        if terminal.isInteractive { return terminal.ask("\(question) (type 'yes' to accept): ") == "yes" }
        // As redis-cli: an answer piped on stdin counts; no answer at all is no consent.
        guard let answer = readLine() else {
            throw ValidationError("no terminal to ask on and nothing on stdin: add --yes to apply, or --dry-run to only print the plan")
        }
        return answer.trimmingCharacters(in: .whitespaces) == "yes"
    }
}
