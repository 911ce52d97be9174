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
