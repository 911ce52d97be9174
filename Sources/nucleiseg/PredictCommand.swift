import ArgumentParser
import Foundation
import NucleiSeg

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Segment images of any size and bit depth: mask, 16-bit instance labels, outline overlay and a per-nucleus CSV.")

    @Argument(help: "Image files (PNG, TIFF) or folders of them.")
    var paths: [String]

    @Option(help: "Folder for the outputs.") var output: String
    @OptionGroup var segmentation: SegmentationOptions
    @Option(help: "Plane of a multi-plane or multi-page TIFF to read (0-based).") var channel: Int?
    @Flag(name: .customLong("no-overlay"), help: "Skip the outline overlay PNG.") var noOverlay = false
    @Option(help: ArgumentHelp("Label files to write, comma-separated: png (mask + 16-bit labels), tiff (label TIFF for Fiji/napari), rois (Fiji ROI Manager zip), geojson (QuPath detections), or all.",
                               valueName: "LIST"))
    var format = "png"
    @Option(name: .customLong("pixel-size"), help: ArgumentHelp("Pixel size in micrometres: the CSV and GeoJSON add µm and µm² measurements, the TIFF records it (default: read from a TIFF input's resolution tags or ImageJ/OME metadata).", valueName: "MICRONS"))
    var pixelSize: String?
    @Option(help: ArgumentHelp("Predict only part K of N of the inputs (every N-th image by sorted path, 1 <= K <= N), for job arrays; `nucleiseg merge` joins the parts' CSVs.", valueName: "K/N"))
    var shard: String?
    @Flag(inversion: .prefixedNo, help: ArgumentHelp("Predict block by block in bounded memory (TIFF inputs, tiled or striped, BigTIFF too): writes NAME_labels.tif (tiled BigTIFF, 32-bit labels) and NAME_nuclei.csv only. Default: TIFFs above 2^25 pixels (e.g. 5800x5800) stream, smaller images do not; --no-streaming never streams."))
    var streaming: Bool?
    @Option(name: .customLong("block-size"), help: ArgumentHelp("Side of a streamed block's core in pixels (multiple of 32, 256-16384); memory grows with it.", valueName: "PX"))
    var blockSize = StreamingOptions.defaultBlockSize
    @Option(name: .customLong("block-margin"), help: ArgumentHelp("Context around each streamed block in pixels; must exceed the largest nucleus's diameter.", valueName: "PX"))
    var blockMargin = StreamingOptions.defaultMargin
    @Flag(name: .customLong("skip-existing"), help: "Skip an image whose outputs (for the chosen formats) are all in --output already: resumes a run that was stopped.")
    var skipExisting = false

    func validate() throws {
        if PredictionFormat.parseList(format).formats == nil {
            throw ValidationError("--format: '\(PredictionFormat.parseList(format).unknown ?? format)' is not a format; expected a comma-separated list of png, tiff, rois, geojson, or all")
        }
        if let pixelSize, PixelSize.parse(pixelSize) == nil {
            throw ValidationError("--pixel-size: '\(pixelSize)' is not a positive number of micrometres (e.g. 0.325)")
        }
        if let problem = StreamingOptions(blockSize: blockSize, margin: blockMargin).problem {
            throw ValidationError(problem.description)
        }
        if let shard, PredictionShard(argument: shard) == nil {
            throw ValidationError("--shard: '\(shard)' is not a shard; expected K/N with whole numbers 1 <= K <= N (e.g. 2/4)")
        }
    }

    func run() throws {
        let segmenter: Segmenter
        var inputs: PredictionInputs
        let part = shard.flatMap(PredictionShard.init(argument:))
        let outputFolder: URL
        do {
            // Cheap checks first: the output folder and the inputs, before loading the model.
            outputFolder = try OutputFolder.prepare(output)
            // Shards of one run share the folder, possibly from several machines, where another
            // machine's process id says nothing: only an unsharded run removes stale temporaries.
            if part == nil { OutputFolder.removeStaleTemporaryFiles(in: [outputFolder]) }
            inputs = try PredictionInputs(paths: paths)
            segmenter = try segmentation.segmenter()
        } catch {
            throw userFailure(error)
        }
        for input in inputs.inputs where input.renamed {
            print("\(input.file.path): outputs named \(input.stem)_* (another input has the same name)")
        }
        var options = PredictionOptions()
        options.instances = segmentation.instances(for: segmenter)
        options.channel = channel
        options.writeOverlay = !noOverlay
        options.formats = PredictionFormat.parseList(format).formats ?? [.png]
        options.pixelSize = pixelSize.flatMap(PixelSize.parse)
        options.streaming = streaming.map { $0 ? .always : .never } ?? .automatic
        options.streamingOptions = StreamingOptions(blockSize: blockSize, margin: blockMargin)
        if let part {
            let all = inputs.inputs.count
            inputs.inputs = part.select(inputs.inputs)
            print("shard \(part): \(inputs.inputs.count) of \(all) images")
        }
        var failures = 0, skipped = 0
        let total = inputs.inputs.count
        for (index, input) in inputs.inputs.enumerated() {
            let prefix = "[\(index + 1)/\(total)] \(ProgressFormatter.bar(done: index + 1, total: total, width: 20))"
            if skipExisting && PredictionWriter.hasCompleteOutputs(stem: input.stem, in: outputFolder, options: options) {
                skipped += 1
                print("\(prefix) \(input.file.lastPathComponent): skipped, its outputs are present")
                fflush(nil)
                continue
            }
            do {
                let result: PredictionResult
                var note = ""
                if try PredictionWriter.streams(input.file, options: options) {
                    print("\(prefix) \(input.file.lastPathComponent): streaming by blocks of \(blockSize) px (+\(blockMargin) px margin); writes \(input.stem)_labels.tif (tiled BigTIFF) and \(input.stem)_nuclei.csv only")
                    fflush(nil)
                    let start = ContinuousClock.now
                    result = try PredictionWriter.predictStreaming(input.file, stem: input.stem, segmenter: segmenter, outputDirectory: outputFolder,
                                                                   options: options) { done, blocks, nuclei in
                        guard done == blocks || done % max(1, blocks / 10) == 0 else { return }
                        print("    block \(done)/\(blocks): \(nuclei) nuclei")
                        fflush(nil)
                    }
                    let seconds = Double((ContinuousClock.now - start).components.seconds)
                    note = String(format: ", streamed in %.0f s", seconds)
                } else {
                    result = try PredictionWriter.predict(input.file, stem: input.stem, segmenter: segmenter,
                                                          outputDirectory: outputFolder, options: options)
                }
                let size = result.pixelSize.map { ", pixel size \($0.micrometres) µm\(options.pixelSize == nil ? " (from the file)" : "")" } ?? ""
                let scale = result.scale == 1 ? "" : String(format: ", predicted at %.2fx", result.scale)
                print("\(prefix) \(input.file.lastPathComponent): \(result.nuclei) nuclei\(size)\(scale)\(note)")
            } catch {
                failures += 1
                print("\(prefix) \(input.file.lastPathComponent): failed, nothing written for it")
                _ = userFailure(error)
            }
            fflush(nil)
        }
        let skippedNote = skipped > 0 ? " (\(skipped) skipped: outputs present)" : ""
        print("wrote results for \(total - failures - skipped) of \(total) images to \(output)\(skippedNote)")
        if failures > 0 { throw ExitCode.failure }
    }
}
