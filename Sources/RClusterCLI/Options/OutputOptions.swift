import ArgumentParser

struct OutputOptions: ParsableArguments {
    @Flag(help: "Print machine-readable JSON (schema in Docs/json-output.md) instead of text.")
    var json = false
}
