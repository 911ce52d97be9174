import Foundation
import NucleiSeg
import Testing

/// The `nucleiseg` executable: exit codes and one-line messages naming the file on user errors.
@Suite struct CommandLineTests {
    /// The executable built beside this test bundle.
    static var executable: URL {
        var folder = Bundle.module.bundleURL.deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: folder.appendingPathComponent("nucleiseg").path) {
            folder = TestResources.packageRoot.appendingPathComponent(".build/release")
        }
        return folder.appendingPathComponent("nucleiseg")
    }

    struct Outcome { var status: Int32; var output: String; var error: String }

    /// Whether the executable is at least as new as every source file: a stale binary would
    /// test old code and pass or fail for the wrong reason.
    static let executableIsFresh: Bool = {
        let files = FileManager.default
        guard let built = (try? files.attributesOfItem(atPath: executable.path))?[.modificationDate] as? Date else { return false }
        let sources = TestResources.packageRoot.appendingPathComponent("Sources")
        let walker = files.enumerator(at: sources, includingPropertiesForKeys: [.contentModificationDateKey])
        while let url = walker?.nextObject() as? URL {
            if let changed = try? url.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate, changed > built {
                return false
            }
        }
        return true
    }()

    func run(_ arguments: [String]) throws -> Outcome {
        try #require(Self.executableIsFresh, "\(Self.executable.path) is older than a file in Sources: run swift build -c release first")
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: String(decoding: out, as: UTF8.self), error: String(decoding: err, as: UTF8.self))
    }

    @Test func summaryPrintsKerasTotals() throws {
        let outcome = try run(["summary"])
        #expect(outcome.status == 0)
        #expect(outcome.output.contains("Total params: 6,502,786"))
        #expect(outcome.output.contains("Trainable params: 4,658,882"))
        #expect(outcome.output.contains("Non-trainable params: 1,843,904"))
    }

    @Test func missingDatasetFolderIsNamed() throws {
        let missing = TestResources.temporaryFolder("cli-missing").appendingPathComponent("nowhere").path
        for command in [["train", "--data", missing, "--output", missing + "-run"], ["evaluate", "--data", missing], ["data", "inspect", missing]] {
            let outcome = try run(command)
            #expect(outcome.status != 0, "\(command)")
            #expect(outcome.error.contains(missing), "\(command): \(outcome.error)")
            #expect(!outcome.error.contains("Fatal error"))
        }
    }

    @Test func wrongCheckpointIsExplained() throws {
        let folder = TestResources.temporaryFolder("cli-checkpoint")
        let image = folder.appendingPathComponent("a.png")
        try PNGCodec.write(PixelImage(width: 40, height: 30, channels: 1, bitDepth: 8, samples: Array(repeating: 9, count: 1200)), to: image)
        let text = folder.appendingPathComponent("model.safetensors")
        try Data("garbage".utf8).write(to: text)
        let backbone = try #require(PretrainedBackbone.url).path
        for model in [text.path, backbone, folder.appendingPathComponent("absent.safetensors").path] {
            let outcome = try run(["predict", image.path, "--output", folder.appendingPathComponent("out").path, "--model", model])
            #expect(outcome.status != 0)
            #expect(outcome.error.contains(model), "\(outcome.error)")
        }
    }

    @Test func corruptImageAmongGoodOnesFailsTheRunButNotTheOthers() throws {
        let folder = TestResources.temporaryFolder("cli-predict")
        let images = folder.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        try PNGCodec.write(PixelImage(width: 64, height: 48, channels: 1, bitDepth: 16, samples: (0..<(64 * 48)).map { UInt16($0) }),
                           to: images.appendingPathComponent("good.png"))
        let bad = images.appendingPathComponent("bad.png")
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]).write(to: bad)
        let trained = try trainedModel()
        let outcome = try run(["predict", images.path, "--output", folder.appendingPathComponent("out").path, "--model", trained])
        #expect(outcome.status != 0)
        #expect(outcome.error.contains(bad.path))
        let written = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out").path).sorted()
        #expect(written == ["good_labels.png", "good_mask.png", "good_nuclei.csv", "good_overlay.png"])
    }

    /// `predict --streaming`: a PNG is refused by name (nothing written, non-zero exit), a bad
    /// block size by flag, and a tiled TIFF gets its labels BigTIFF and CSV.
    @Test func streamingPredictNamesMistakesAndWritesTheTwoFiles() throws {
        let folder = TestResources.temporaryFolder("cli-streaming")
        let png = folder.appendingPathComponent("scan.png")
        try PNGCodec.write(PixelImage(width: 64, height: 48, channels: 1, bitDepth: 16, samples: (0..<(64 * 48)).map { UInt16($0) }), to: png)
        let out = folder.appendingPathComponent("out")
        let refused = try run(["predict", png.path, "--output", out.path, "--streaming"])
        #expect(refused.status != 0)
        #expect(refused.error.contains(png.path) && refused.error.contains("TIFF"))
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []).isEmpty)
        let badBlock = try run(["predict", png.path, "--output", out.path, "--block-size", "100"])
        #expect(badBlock.status != 0 && badBlock.error.contains("--block-size 100"))

        let tif = folder.appendingPathComponent("scan.tif")
        let writer = try TiledTIFFWriter(url: tif, width: 300, height: 280, bitDepth: 16, tileSize: 64)
        for top in stride(from: 0, to: 280, by: 64) {
            for left in stride(from: 0, to: 300, by: 64) {
                try writer.writeTile(x: left, y: top, values: (0..<(64 * 64)).map { UInt32((($0 % 64 + left) / 20 + ($0 / 64 + top) / 20) % 2 * 3000 + 500) })
            }
        }
        try writer.finish()
        let streamed = try run(["predict", tif.path, "--output", out.path, "--streaming", "--block-size", "256", "--block-margin", "32"])
        #expect(streamed.status == 0, "\(streamed.error)")
        #expect(streamed.output.contains("streaming by blocks of 256 px"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == ["scan_labels.tif", "scan_nuclei.csv"])
    }

    /// Ctrl-C during training: the run saves its weights, says how to resume, exits 130; `--resume`
    /// then finishes the remaining epochs.
    @Test func interruptSavesAndResumeFinishes() throws {
        let data = try SyntheticDataset.make(name: "cli-interrupt", counts: ["train": 6, "val": 2])
        let runFolder = TestResources.temporaryFolder("cli-interrupt-run").path
        let arguments = ["train", "--data", data.path, "--output", runFolder, "--input-size", "64", "--batch-size", "2",
                         "--epochs", "200", "--no-report"]
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        // Wait for the first finished epoch, then press Ctrl-C.
        let history = runFolder + "/history.csv"
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: history) && Date() < deadline && process.isRunning { usleep(50_000) }
        #expect(FileManager.default.fileExists(atPath: history))
        kill(process.processIdentifier, SIGINT)
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130, "\(text)")
        #expect(text.contains("interrupted during epoch") && text.contains("--resume"))
        #expect(FileManager.default.fileExists(atPath: runFolder + "/checkpoints/interrupted.safetensors"))
        let completed = TrainingHistory.parse(try String(contentsOfFile: history, encoding: .utf8)).count
        #expect(completed >= 1 && completed < 200)
        // Resume with a smaller budget so it ends soon.
        let budget = completed + 1
        let resumed = try run(["train", "--data", data.path, "--output", runFolder, "--input-size", "64", "--batch-size", "2",
                               "--epochs", String(budget), "--no-report", "--resume"])
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(TrainingHistory.parse(try String(contentsOfFile: history, encoding: .utf8)).count == budget)
        #expect(FileManager.default.fileExists(atPath: runFolder + "/model.safetensors"))
    }

    /// A model checkpoint as `train` writes it (untrained weights are enough for plumbing).
    func trainedModel() throws -> String {
        // A folder of its own per call: tests run in parallel, and temporaryFolder empties the folder.
        let url = TestResources.temporaryFolder("cli-model-\(UUID().uuidString)").appendingPathComponent("model.safetensors")
        try ModelCheckpoint.save(model: UNet(seed: 1), metadata: ["sampling": "crops", "input_size": "128"], to: url)
        return url.path
    }
}
