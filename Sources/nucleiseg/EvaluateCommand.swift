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
    @Option(help: "Model checkpoint (default: the shipped nuclei model).") var model: String?
    @Option(help: "Folder for per_image.csv and summary.json.") var output: String = "runs/evaluation"
    @Option(help: "Override the model's mode: resize or crops (tiled).") var mode: SamplingMode?
    @Option(name: .customLong("tile-size"), help: "Tile side for tiled prediction.") var tileSize = 256
    @Option(name: .customLong("min-area"), help: "Drop predicted nuclei smaller than this many pixels.") var minArea = InstanceExtractionOptions.nuclei.minimumArea
    @Flag(name: .customLong("fill-holes"), inversion: .prefixedNo, help: "Fill holes inside predicted nuclei.")
    var fillHoles = InstanceExtractionOptions.nuclei.fillHoles
    @Flag(name: .customLong("no-split"), help: "Do not split touching nuclei.") var noSplit = false
    @OptionGroup var postProcessing: PostProcessingOptions
    @Option(help: "Nucleus diameter of the images in pixels, or auto (estimated from a first pass): each image is scaled so its nuclei match the model's training size; outputs stay at native size.")
    var diameter: DiameterSetting?
    @Option(help: "Resize every image (bilinear) and its labels (nearest) by this factor before evaluating, e.g. 0.5 or 2, to test other magnifications.")
    var rescale: Double = 1
    @Flag(help: "Test-time augmentation: average the predictions of the 8 flips/rotations (8x the network time).") var tta = false
    @Option(help: "Decoder arithmetic: bfloat16 (default where the CPU has it) or float32.")
    var precision: ComputePrecision = InferenceUNet.defaultPrecision
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
            let samples = DatasetSplit.evaluationSamples(of: dataset, split: split, seed: seed)
            let chosen = split ?? (dataset.samples.contains { $0.split == "test" } ? "test" : nil)
            guard !samples.isEmpty else { throw EvaluationError.emptySplit(path: data, split: chosen ?? "(all)") }
            let manifest = try by.map { try ImageManifest(contentsOf: URL(fileURLWithPath: $0), column: byColumn) }
            let segmenter = try ShippedModel.segmenter(path: model, modeOverride: mode, tileSize: tileSize, precision: precision)
            segmenter.testTimeAugmentation = tta
            if let diameter { try segmenter.useDiameter(diameter, modelPath: model ?? ShippedModel.resourceName + ".safetensors") }
            var instances = postProcessing.applied(to: segmenter.postProcessing)
            instances.minimumArea = minArea
            instances.fillHoles = fillHoles
            instances.splitTouching = !noSplit
            var report = try DatasetEvaluation.evaluate(segmenter: segmenter, samples: samples, datasetPath: data, instanceOptions: instances, rescale: rescale) { done, total in
                FileHandle.standardError.write(Data("\r\(ProgressFormatter.bar(done: done, total: total, width: 20)) \(done)/\(total)".utf8))
            }
            FileHandle.standardError.write(Data("\n".utf8))
            if let manifest { report.group(by: manifest, samples: samples) }
            try report.write(to: outputFolder)
            print("evaluated \(samples.count) images of \(data)\(chosen.map { " (split \($0))" } ?? "")\(rescale == 1 ? "" : " rescaled \(rescale)x") with \(model ?? "the shipped model") (\(segmenter.mode.rawValue), \(precision)\(diameter.map { ", diameter \($0)" } ?? ""))")
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
