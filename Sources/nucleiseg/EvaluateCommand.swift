import ArgumentParser
import Foundation
import NucleiSeg

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score a model on labelled images: loss, pixel accuracy, IoU, Dice, DSB2018 score, AP@0.5, F1@0.5.")

    @Option(help: "Dataset folder (dsb2018, pairs or labels layout).") var data: String = "data/nuclei-samples"
    @Option(help: "Force the dataset layout instead of detecting it.") var layout: DatasetLayout?
    @Option(help: "Split to evaluate: a split folder's name, or validation (the images train validates on with --seed: the dataset's val split, or the seeded 20% of its training images). Default: test when the dataset has one, else every image.")
    var split: String?
    @Option(help: "The training seed that --split validation follows.") var seed: UInt64 = 42
    @Option(help: "Folder for per_image.csv and summary.json.") var output: String = "runs/evaluation"
    @OptionGroup var segmentation: SegmentationOptions
    @Option(help: "Resize every image (bilinear) and its labels (nearest) by this factor before evaluating, e.g. 0.5 or 2, to test other magnifications.")
    var rescale: Double = 1
    @Option(help: "A tab-separated manifest (first column: image id or name) to report the figures by group, e.g. DATASET/manifest.tsv.")
    var by: String?
    @Option(name: .customLong("by-column"), help: "The manifest column to group by.") var byColumn = "kind"

    func validate() throws {
        guard rescale.isFinite, rescale >= 0.1, rescale <= 10 else { throw ValidationError("--rescale must be a factor between 0.1 and 10, got \(rescale)") }
    }

    func run() throws {
        do {
            let outputFolder = try OutputFolder.prepare(output)
            let dataset = try Dataset.open(URL(fileURLWithPath: data), layout: layout)
            if let problem = dataset.problems.first(where: \.stopsTraining) { throw problem.error }
            let (chosen, samples) = try dataset.evaluationSamples(split: split, path: data, seed: seed)
            let manifest = try by.map { try ImageManifest(contentsOf: URL(fileURLWithPath: $0), column: byColumn) }
            let segmenter = try segmentation.segmenter()
            var report = try DatasetEvaluation.evaluate(segmenter: segmenter, samples: samples, datasetPath: data,
                                                        instanceOptions: segmentation.instances(for: segmenter), rescale: rescale) { done, total in
                FileHandle.standardError.write(Data("\r\(ProgressFormatter.bar(done: done, total: total, width: 20)) \(done)/\(total)".utf8))
            }
            FileHandle.standardError.write(Data("\n".utf8))
            if let manifest { report.group(by: manifest, samples: samples) }
            try report.write(to: outputFolder)
            print("evaluated \(samples.count) images of \(data)\(chosen.map { " (split \($0))" } ?? "")\(rescale == 1 ? "" : " rescaled \(rescale)x") with \(segmentation.model ?? "the shipped model") (\(segmenter.mode.rawValue), \(segmentation.precision)\(segmentation.diameter.map { ", diameter \($0)" } ?? ""))")
            for line in report.summaryLines { print(line) }
            if let by {
                print("by \(byColumn) (\(by)):")
                for line in report.groupLines { print("  " + line) }
            }
            print("per-image results: \(output)/per_image.csv; summary: \(output)/summary.json" + (by == nil ? "" : "; groups: \(output)/groups.json"))
        } catch {
            throw userFailure(error)
        }
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Rebuild RUN_DIR/report.html from a training run folder.")

    @Argument(help: "A folder written by nucleiseg train.") var runDirectory: String

    func run() throws {
        do {
            let url = try RunReport.write(runDirectory: URL(fileURLWithPath: runDirectory))
            print("report: \(url.path)")
        } catch {
            throw userFailure(error)
        }
    }
}
