import ArgumentParser
import NucleiSeg

@main
struct NucleiSegCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nucleiseg",
        abstract: "Segment cell nuclei in microscopy images with a MobileNetV2 U-Net, on CPU.",
        subcommands: [
            TrainCommand.self, EvaluateCommand.self, PredictCommand.self, TuneCommand.self, ReportCommand.self, DataCommand.self,
            SummaryCommand.self, BenchmarkCommand.self, ExportCommand.self, ServeCommand.self, MergeCommand.self,
        ])
}
