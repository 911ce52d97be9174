import ArgumentParser
import Foundation
import NucleiSeg

/// `nucleiseg benchmark …`: performance measurements.
struct BenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract: "Measure training and inference speed (model), the whole predict pipeline on real images (predict), streaming prediction of a huge generated image (huge), or single kernels (kernels).",
        subcommands: [BenchmarkModelCommand.self, BenchmarkPredictCommand.self, BenchmarkHugeCommand.self, BenchmarkKernelsCommand.self],
        defaultSubcommand: BenchmarkModelCommand.self)
}

struct BenchmarkModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Training images/s (batch 32, full step) and inference images/s (batch 1 and 32) on random data.")

    @Option(name: .customLong("training-batch"), help: "Training batch size (0 skips training).") var trainingBatch = 32
    @Option(name: .customLong("inference-batch"), help: "Inference batch sizes (0 skips inference).") var inferenceBatch: [Int] = [1, 32]
    @Option(help: "Timed repetitions after one warm-up; the median is reported.") var repetitions = 5
    @Option(name: .customLong("input-size"), help: "Image side (multiple of 32).") var inputSize = 128
    @Flag(help: "Print JSON instead of a table.") var json = false
    @Option(help: "Arithmetic of the decoder's upsampling convolutions, in inference and (unless --training-precision) training: bfloat16 (default where the CPU has it) or float32.")
    var precision: ComputePrecision = InferenceUNet.defaultPrecision
    @Option(name: .customLong("encoder-precision"), help: "Arithmetic of the encoder in inference (float32 unless asked: bfloat16 moved the instance score by 0.006). Training always runs the frozen encoder in float32.")
    var encoderPrecision: ComputePrecision = .float32
    @Option(name: .customLong("training-precision"), help: "Decoder arithmetic while training (default: --precision): bfloat16 (mixed: float32 accumulation, weights and Adam state) or float32.")
    var trainingPrecision: ComputePrecision?

    func validate() throws {
        guard inputSize >= 32, inputSize % 32 == 0 else { throw ValidationError("--input-size must be a positive multiple of 32") }
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1") }
    }

    func run() throws {
        var benchmark = ModelBenchmark()
        benchmark.trainingBatch = trainingBatch
        benchmark.inferenceBatches = inferenceBatch
        benchmark.repetitions = repetitions
        benchmark.inputSize = inputSize
        benchmark.inferencePrecision = precision
        benchmark.inferenceEncoderPrecision = encoderPrecision
        benchmark.trainingPrecision = trainingPrecision ?? precision
        let result: ModelBenchmark.Result
        do {
            result = try benchmark.run { line in
                if !json { FileHandle.standardError.write(Data(("  " + line + "\n").utf8)) }
            }
        } catch {
            throw userFailure(error)
        }
        if json { return try printJSON(result) }
        print("model benchmark, \(inputSize)x\(inputSize) inputs, kernels \(result.kernels), threads \(result.threads); median of \(repetitions)")
        print("arithmetic: training decoder \(result.trainingPrecision) (frozen encoder float32); "
              + "inference encoder \(result.inferenceEncoderPrecision), decoder \(result.inferencePrecision); output layer float32")
        print("what        batch   images/s   ms/step   GFLOP/s   % of 550 peak   processor ms/step")
        for figure in result.figures {
            print(String(format: "%-10@ %6d %10.1f %9.1f %9.1f %10.1f%% %15.1f", figure.name, figure.batch, figure.imagesPerSecond,
                         figure.millisecondsPerStep, figure.gigaflopsPerSecond, figure.percentOfPeak, figure.processorMillisecondsPerStep))
        }
        print(String(format: "peak RSS %.0f MiB", result.peakResidentMegabytes))
    }
}

struct BenchmarkPredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Time predict's whole pipeline on the images of FOLDER (a dataset or a folder of PNG/TIFF files): images/s, megapixels/s, the share of each stage, peak RSS.")

    @Argument(help: "A dataset folder (any layout) or a folder of PNG/TIFF images.") var folder: String
    @Option(help: "Model checkpoint (default: the shipped nuclei model).") var model: String?
    @Option(help: "Timed passes over the images after a warm-up; the median is reported.") var repetitions = 3
    @Flag(help: "With test-time augmentation (8 flips/rotations).") var tta = false
    @Option(help: "Time N x N mosaics of the folder's gray images (of its most common size) instead of the images themselves, e.g. 2 for 1024x1024 from 512x512.")
    var mosaic: Int?
    @Flag(help: "Print JSON instead of a table.") var json = false
    @Option(help: "Decoder arithmetic: bfloat16 (default where the CPU has it) or float32.")
    var precision: ComputePrecision = InferenceUNet.defaultPrecision

    func validate() throws {
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1") }
        if let mosaic, !(1...8).contains(mosaic) { throw ValidationError("--mosaic must be 1...8, got \(mosaic)") }
    }

    func run() throws {
        let result: PredictionBenchmark.Result
        do {
            var images = try PredictionBenchmark.images(in: URL(fileURLWithPath: folder))
            guard !images.isEmpty else { throw ValidationError("\(folder): no PNG or TIFF images found") }
            let mosaicFolder = FileManager.default.temporaryDirectory.appendingPathComponent("nucleiseg-mosaics-\(getpid())")
            defer { try? FileManager.default.removeItem(at: mosaicFolder) }
            if let mosaic {
                images = try PredictionBenchmark.mosaics(of: images, side: mosaic, into: mosaicFolder)
                guard !images.isEmpty else { throw ValidationError("\(folder): no gray images to make mosaics of") }
            }
            let segmenter = try ShippedModel.segmenter(path: model, precision: precision)
            segmenter.testTimeAugmentation = tta
            var benchmark = PredictionBenchmark()
            benchmark.repetitions = repetitions
            result = try benchmark.run(images: images, segmenter: segmenter) { line in
                if !json { FileHandle.standardError.write(Data(("  " + line + "\n").utf8)) }
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            throw userFailure(error)
        }
        if json { return try printJSON(result) }
        print(String(format: "predict benchmark: %d %@, %.2f megapixels, %d nuclei; %@%@; median of %d passes",
                     result.images, mosaic.map { "\($0)x\($0) mosaics" } ?? "images", result.megapixels, result.nuclei, result.precision, result.testTimeAugmentation ? ", tta" : "", repetitions))
        print(String(format: "%.2f images/s, %.2f megapixels/s (%.3f s per image)", result.imagesPerSecond, result.megapixelsPerSecond,
                     result.seconds / Double(result.images)))
        let shares = PredictionTimings.Stage.allCases.map { String(format: "%@ %.1f%%", $0.rawValue, 100 * (result.stageShares[$0.rawValue] ?? 0)) }
        print("stages: " + shares.joined(separator: ", "))
        print(String(format: "peak RSS %.0f MiB", result.peakResidentMegabytes))
    }
}
