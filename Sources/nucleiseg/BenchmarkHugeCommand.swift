import ArgumentParser
import Foundation
import NucleiSeg

/// `nucleiseg benchmark huge`: streaming prediction of a generated SIZE x SIZE 16-bit image.
struct BenchmarkHugeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "huge",
        abstract: "Generate a SIZE x SIZE 16-bit tiled BigTIFF from real nuclei images, predict it by blocks (predict --streaming) and print the time, megapixels/s and peak RSS.")

    @Option(help: "Side of the generated image in pixels.") var size = 20_000
    @Option(help: "Folder of real nuclei images the image is tiled from (a dataset or a folder of PNG/TIFF; gray images of its most common size).")
    var data = "data/dsb2018/test"
    @Option(help: "Model checkpoint (default: the shipped nuclei model).") var model: String?
    @Option(name: .customLong("block-size"), help: "Side of a block's core in pixels.") var blockSize = StreamingOptions.defaultBlockSize
    @Option(name: .customLong("block-margin"), help: "Context around each block in pixels.") var blockMargin = StreamingOptions.defaultMargin
    @Flag(help: "Print JSON instead of text.") var json = false
    @Option(help: "Decoder arithmetic: bfloat16 (default where the CPU has it) or float32.")
    var precision: ComputePrecision = InferenceUNet.defaultPrecision

    func validate() throws {
        guard (256...200_000).contains(size) else { throw ValidationError("--size must be 256...200000 pixels, got \(size)") }
        if let problem = StreamingOptions(blockSize: blockSize, margin: blockMargin).problem { throw ValidationError(problem.description) }
    }

    func run() throws {
        let result: HugeImageBenchmark.Result
        do {
            let images = try PredictionBenchmark.images(in: URL(fileURLWithPath: data))
            guard !images.isEmpty else { throw ValidationError("\(data): no PNG or TIFF images found") }
            let segmenter = try ShippedModel.segmenter(path: model, precision: precision)
            var benchmark = HugeImageBenchmark(size: size)
            benchmark.streaming = StreamingOptions(blockSize: blockSize, margin: blockMargin)
            result = try benchmark.run(images: images, segmenter: segmenter) { line in
                if !json { FileHandle.standardError.write(Data(("  " + line + "\n").utf8)) }
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            throw userFailure(error)
        }
        if json { return try printJSON(result) }
        print(String(format: "huge benchmark: %dx%d 16-bit (%.0f megapixels), blocks of %d px + %d px margin (%d blocks), %@",
                     result.width, result.height, result.megapixels, result.blockSize, result.margin, result.blocks, result.precision))
        print(String(format: "%d nuclei in %.1f s: %.3f megapixels/s; peak RSS %.0f MiB; labels BigTIFF %.1f MB (input generated in %.1f s)",
                     result.nuclei, result.seconds, result.megapixelsPerSecond, result.peakResidentMegabytes, result.labelFileMegabytes,
                     result.generationSeconds))
    }
}
