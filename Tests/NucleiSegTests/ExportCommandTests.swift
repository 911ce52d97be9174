import Foundation
import NucleiSeg
import Testing

/// `predict --format/--pixel-size` and `export`: user mistakes give a message naming what was
/// expected and a non-zero exit, and write nothing.
@Suite struct ExportCommandTests {
    func run(_ arguments: [String]) throws -> (status: Int32, text: String) {
        let process = Process()
        process.executableURL = CommandLineTests.executable
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func unknownFormatIsRefusedBeforeAnyWork() throws {
        let folder = TestResources.temporaryFolder("cli-format")
        let outcome = try run(["predict", "x.png", "--output", folder.appendingPathComponent("out").path, "--format", "png,jpeg"])
        #expect(outcome.status != 0)
        #expect(outcome.text.contains("'jpeg' is not a format; expected a comma-separated list of png, tiff, rois, geojson, or all"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    }

    @Test func badPixelSizeIsRefused() throws {
        let outcome = try run(["predict", "x.png", "--output", "/tmp/unused", "--pixel-size=abc"])
        #expect(outcome.status != 0)
        #expect(outcome.text.contains("--pixel-size: 'abc' is not a positive number of micrometres"))
    }

    @Test func bioimageioNeedsASampleAndOnnxAnOnnxName() throws {
        let first = try run(["export", "--format", "bioimageio", "--output", "/tmp/unused-package"])
        #expect(first.status != 0 && first.text.contains("--format bioimageio needs --sample IMAGE"))
        let second = try run(["export", "--format", "onnx", "--output", "/tmp/model.txt"])
        #expect(second.status != 0 && second.text.contains("must be a file name ending in .onnx"))
    }

    @Test func missingModelIsNamedAndNothingIsWritten() throws {
        let folder = TestResources.temporaryFolder("cli-export")
        let output = folder.appendingPathComponent("m.onnx")
        let outcome = try run(["export", folder.appendingPathComponent("nope.safetensors").path, "--format", "onnx", "--output", output.path])
        #expect(outcome.status == 1)
        #expect(outcome.text.contains("nope.safetensors"))
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }
}
