import ArgumentParser
import Foundation
import NucleiSeg

/// Loads a checkpoint, turning a user error into a one-line message and a non-zero exit.
func loadModel(path: String) throws -> UNet {
    do {
        return try ModelCheckpoint.load(from: URL(fileURLWithPath: path)).model
    } catch {
        throw userFailure(error)
    }
}

/// Prints `error` as one line on standard error and returns the exit code to throw.
func userFailure(_ error: Error) -> ExitCode {
    let message = CommandLineMessage.text(for: error)
    FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
    return ExitCode.failure
}

/// Prints `value` as one line of JSON with sorted keys (the `--json` output of the benchmarks).
func printJSON<Value: Encodable>(_ value: Value) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// `--diameter auto|PX` (the library's `init?(argument:)` parses it).
extension DiameterSetting: ExpressibleByArgument {
    public static var defaultCompletionKind: CompletionKind { .list(["auto"]) }
}

/// The post-processing thresholds `predict` and `evaluate` take; each one left out keeps the
/// model's own value (recorded by `nucleiseg tune`, else the documented default).
struct PostProcessingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Foreground probability above which a pixel is nucleus (default: the model's, else 0.5).", valueName: "P"))
    var threshold: Float?
    @Option(name: .customLong("marker-dynamic"), help: ArgumentHelp("Two-class models: how far (pixels of distance) a peak of the distance map must rise above the neck to a higher one to become a nucleus of its own; smaller splits more (default: the model's, else 2.5).", valueName: "PX"))
    var markerDynamic: Float?
    @Option(name: .customLong("interior-threshold"), help: ArgumentHelp("Contour models: interior probability above which a pixel seeds a nucleus (default: the model's, else 0.5).", valueName: "P"))
    var interiorThreshold: Float?

    func validate() throws {
        if let threshold, !(threshold > 0 && threshold < 1) {
            throw ValidationError("--threshold must be a probability between 0 and 1 (exclusive), got \(threshold)")
        }
        if let interiorThreshold, !(interiorThreshold > 0 && interiorThreshold < 1) {
            throw ValidationError("--interior-threshold must be a probability between 0 and 1 (exclusive), got \(interiorThreshold)")
        }
        if let markerDynamic, !(markerDynamic > 0 && markerDynamic.isFinite) {
            throw ValidationError("--marker-dynamic must be a positive number of pixels, got \(markerDynamic)")
        }
    }

    /// `base` with the given thresholds.
    func applied(to base: InstanceExtractionOptions) -> InstanceExtractionOptions {
        var options = base
        if let threshold { options.threshold = threshold }
        if let markerDynamic { options.minimumMarkerDynamic = markerDynamic }
        if let interiorThreshold { options.interiorThreshold = interiorThreshold }
        return options
    }
}
