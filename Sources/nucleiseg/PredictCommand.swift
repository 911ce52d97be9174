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
    @Option(help: "Model checkpoint (default: the shipped nuclei model).") var model: String?
    @Option(help: "Override the model's mode: resize (whole image at 128x128) or crops (tiled, native resolution).")
    var mode: SamplingMode?
    @Option(name: .customLong("tile-size"), help: "Tile side in pixels for tiled prediction (multiple of 32).") var tileSize = 256
    @Option(name: .customLong("min-area"), help: "Drop predicted nuclei smaller than this many pixels.") var minArea = InstanceExtractionOptions.nuclei.minimumArea
    @Flag(name: .customLong("fill-holes"), inversion: .prefixedNo, help: "Fill holes inside predicted nuclei.")
    var fillHoles = InstanceExtractionOptions.nuclei.fillHoles
    @Flag(name: .customLong("no-split"), help: "Do not split touching nuclei (plain connected components).") var noSplit = false
    @Option(help: "Plane of a multi-plane or multi-page TIFF to read (0-based).") var channel: Int?
    @Flag(name: .customLong("no-overlay"), help: "Skip the outline overlay PNG.") var noOverlay = false
    @Option(help: "Decoder arithmetic: bfloat16 (default where the CPU has it) or float32.")
    var precision: ComputePrecision = InferenceUNet.defaultPrecision

    func validate() throws {
        guard tileSize >= 64, tileSize % 32 == 0 else { throw ValidationError("--tile-size must be a multiple of 32, at least 64") }
        guard minArea >= 0 else { throw ValidationError("--min-area must not be negative") }
    }

    func run() throws {
        let segmenter: Segmenter
        var files: [URL] = []
        do {
            segmenter = try ShippedModel.segmenter(path: model, modeOverride: mode, tileSize: tileSize, precision: precision)
            for path in paths {
                let url = URL(fileURLWithPath: path)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                    throw PredictionError.noImages(path: path)
                }
                if isDirectory.boolValue {
                    let found = try PredictionWriter.imageFiles(in: url)
                    guard !found.isEmpty else { throw PredictionError.noImages(path: path) }
                    files += found
                } else {
                    files.append(url)
                }
            }
        } catch {
            throw userFailure(error)
        }
        var options = PredictionOptions()
        options.instances.minimumArea = minArea
        options.instances.fillHoles = fillHoles
        options.instances.splitTouching = !noSplit
        options.channel = channel
        options.writeOverlay = !noOverlay
        var failures = 0
        for (index, file) in files.enumerated() {
            let prefix = "[\(index + 1)/\(files.count)] \(ProgressFormatter.bar(done: index + 1, total: files.count, width: 20))"
            do {
                let result = try PredictionWriter.predict(file, segmenter: segmenter, outputDirectory: URL(fileURLWithPath: output), options: options)
                print("\(prefix) \(file.lastPathComponent): \(result.nuclei) nuclei")
            } catch {
                failures += 1
                _ = userFailure(error)
            }
        }
        print("wrote results for \(files.count - failures) of \(files.count) images to \(output)")
        if failures > 0 { throw ExitCode.failure }
    }
}
