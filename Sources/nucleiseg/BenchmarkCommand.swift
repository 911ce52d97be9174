import ArgumentParser
import Foundation
import NucleiSeg

/// `nucleiseg benchmark …`: performance measurements.
struct BenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract: "Measure training and inference speed (model), or the speed of single kernels (kernels).",
        subcommands: [BenchmarkModelCommand.self, BenchmarkKernelsCommand.self],
        defaultSubcommand: BenchmarkModelCommand.self)
}

struct BenchmarkModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Training images/s (batch 32, full step) and inference images/s (batch 1 and 32) on random data.")

    @Option(name: .customLong("training-batch"), help: "Training batch size (0 skips training).") var trainingBatch = 32
    @Option(name: .customLong("inference-batch"), help: "Inference batch sizes.") var inferenceBatch: [Int] = [1, 32]
    @Option(help: "Timed repetitions after one warm-up; the median is reported.") var repetitions = 5
    @Option(name: .customLong("input-size"), help: "Image side (multiple of 32).") var inputSize = 128
    @Flag(help: "Print JSON instead of a table.") var json = false
    @Option(help: "Inference arithmetic: bfloat16 (default where the CPU has it) or float32.")
    var precision: ComputePrecision = InferenceUNet.defaultPrecision
    @Option(name: .customLong("training-precision"), help: "Decoder arithmetic while training: bfloat16 (mixed; default where the CPU has it) or float32.")
    var trainingPrecision: ComputePrecision = InferenceUNet.defaultPrecision

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
        benchmark.trainingPrecision = trainingPrecision
        let result: ModelBenchmark.Result
        do {
            result = try benchmark.run { line in
                if !json { FileHandle.standardError.write(Data(("  " + line + "\n").utf8)) }
            }
        } catch {
            throw userFailure(error)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
            return
        }
        print("model benchmark, \(inputSize)x\(inputSize) inputs, kernels \(result.kernels), threads \(result.threads), "
              + "inference \(result.inferencePrecision), training \(result.trainingPrecision); median of \(repetitions)")
        print("what        batch   images/s   ms/step   GFLOP/s   % of 550 peak")
        for figure in result.figures {
            print(String(format: "%-10@ %6d %10.1f %9.1f %9.1f %10.1f%%", figure.name, figure.batch, figure.imagesPerSecond,
                         figure.millisecondsPerStep, figure.gigaflopsPerSecond, figure.percentOfPeak))
        }
        print(String(format: "peak RSS %.0f MiB", result.peakResidentMegabytes))
    }
}
