import ArgumentParser
import Foundation
import NucleiSeg

/// `nucleiseg data …`: look at a dataset before training on it.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Inspect microscopy datasets (dsb2018, pairs or labels layout).",
        subcommands: [Inspect.self])

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report a dataset's layout, images, sizes, bit depths, nuclei and every problem found.",
            discussion: "Exits non-zero when a problem would stop training.")

        @Argument(help: "The dataset folder.")
        var path: String

        @Option(help: "Folder layout: auto, dsb2018, pairs or labels.")
        var layout: String = "auto"

        @Option(help: "For multi-page or multi-sample TIFF images: the plane to read (0-based).")
        var channel: Int?

        func run() throws {
            do {
                let forced = try DatasetLayout.parse(layout)
                let report = try DatasetInspector.inspect(URL(fileURLWithPath: path), layout: forced, channel: channel)
                print(report)
                if report.hasBlockingProblems { throw ExitCode.failure }
            } catch let error as ImagingError {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode.failure
            }
        }
    }
}
