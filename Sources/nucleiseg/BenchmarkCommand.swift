import ArgumentParser

/// `nucleiseg benchmark …`: performance measurements.
struct BenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract: "Measure the speed of the building blocks.",
        subcommands: [BenchmarkKernelsCommand.self])
}
