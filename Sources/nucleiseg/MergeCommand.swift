import ArgumentParser
import Foundation
import NucleiSeg

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the per-image measurement CSVs of predict runs (e.g. the shards of a job array) into one CSV with an image column, plus a summary.")

    @Argument(help: "Output folders of `nucleiseg predict` (each image's NAME_nuclei.csv is read).")
    var runs: [String]

    @Option(help: "Folder for nuclei.csv (all nuclei, image column first) and summary.json (images, nuclei).") var output: String

    func run() throws {
        do {
            let summary = try MeasurementMerge.write(runs: runs.map { URL(fileURLWithPath: $0) }, to: URL(fileURLWithPath: output))
            print(String(decoding: try summary.jsonData(), as: UTF8.self), terminator: "")
        } catch {
            throw userFailure(error)
        }
    }
}
