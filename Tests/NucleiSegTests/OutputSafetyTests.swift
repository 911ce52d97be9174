import Foundation
import NucleiSeg
import Testing

/// Issue 12, cases 1-3 and 7-8 of predict/evaluate: unique names, whole output sets, output
/// folders checked first, messages that name the file and the problem.
@Suite struct OutputSafetyTests {
    let cli = CommandLineTests()

    func image(_ url: URL, value: UInt16 = 9) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try PNGCodec.write(PixelImage(width: 40, height: 30, channels: 1, bitDepth: 8, samples: Array(repeating: value, count: 1200)), to: url)
    }

    @Test func collidingStemsGetTheExtensionThenTheFolder() {
        let files = ["/d/a/img.png", "/d/b/img.png", "/d/a/img.tif", "/d/c/other.png", "/d/c/other.png"].map { URL(fileURLWithPath: $0) }
        let inputs = PredictionInputs(files: files)
        #expect(inputs.inputs.map(\.stem) == ["a_img_png", "b_img_png", "img_tif", "c_other_png", "c_other_png_2"])
        #expect(PredictionInputs(files: [URL(fileURLWithPath: "/x/solo.png")]).inputs.map(\.renamed) == [false])
    }

    @Test func sameNameInputsDoNotOverwriteEachOther() throws {
        let folder = TestResources.temporaryFolder("safety-names")
        try image(folder.appendingPathComponent("a/img.png"), value: 10)
        try image(folder.appendingPathComponent("b/img.png"), value: 200)
        let tiff = folder.appendingPathComponent("a/img.tif")
        try FileManager.default.copyItem(at: TestResources.packageRoot.appendingPathComponent("fuzz/corpus/tif-gray8"), to: tiff)
        // The corpus file starts with the fuzzer's selector byte: drop it.
        try Data(try Data(contentsOf: tiff).dropFirst()).write(to: tiff)
        let output = folder.appendingPathComponent("out")
        let outcome = try cli.run(["predict", folder.appendingPathComponent("a/img.png").path, folder.appendingPathComponent("b/img.png").path,
                                   tiff.path, "--output", output.path, "--model", try cli.trainedModel()])
        #expect(outcome.status == 0, "\(outcome.error)")
        let written = try FileManager.default.contentsOfDirectory(atPath: output.path).filter { $0.hasSuffix("_mask.png") }.sorted()
        #expect(written == ["a_img_png_mask.png", "b_img_png_mask.png", "img_tif_mask.png"])
        #expect(outcome.output.contains("outputs named b_img_png_*"), "\(outcome.output)")
    }

    /// A name of the set taken by a folder makes the last rename fail, as a full disk would make
    /// a write fail: none of the image's files may remain, nor any temporary file.
    @Test func failedSetLeavesNothingBehind() throws {
        let folder = TestResources.temporaryFolder("safety-set")
        let input = folder.appendingPathComponent("cell.png")
        try image(input)
        let output = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: output.appendingPathComponent("cell_overlay.png/blocker"), withIntermediateDirectories: true)
        let segmenter = Segmenter(model: UNet(seed: 2), normalization: .standard, mode: .resize)
        #expect(throws: CheckpointError.self) { try PredictionWriter.predict(input, segmenter: segmenter, outputDirectory: output) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path) == ["cell_overlay.png"])
    }

    @Test(arguments: ["predict", "evaluate", "train"])
    func outputThatIsAFileIsRefusedBeforeAnyWork(command: String) throws {
        let folder = TestResources.temporaryFolder("safety-output-\(command)")
        let data = try SyntheticDataset.make(name: "safety-data-\(command)", counts: ["train": 2, "test": 1])
        let file = folder.appendingPathComponent("taken")
        try Data("x".utf8).write(to: file)
        for output in [file.path, file.path + "/sub"] {
            var arguments: [String]
            switch command {
            case "predict": arguments = ["predict", data.appendingPathComponent("test/images").path, "--output", output, "--model", try cli.trainedModel()]
            case "evaluate": arguments = ["evaluate", "--data", data.path, "--output", output, "--model", try cli.trainedModel()]
            default: arguments = ["train", "--data", data.path, "--output", output, "--input-size", "64", "--epochs", "1", "--no-report"]
            }
            let outcome = try cli.run(arguments)
            #expect(outcome.status != 0)
            #expect(outcome.error.contains(file.path), "\(outcome.error)")
            #expect(outcome.error.contains(output == file.path ? "is a file; expected a folder" : "is a file, not a folder"), "\(outcome.error)")
            #expect(!outcome.error.contains("NSCocoaErrorDomain") && !outcome.error.contains("UserInfo"))
            #expect(!outcome.output.contains("[1/") && !outcome.output.contains("Epoch 1"), "ran before failing: \(outcome.output)")
        }
    }

    @Test func modelFolderLinksAndJPEGAreNamed() throws {
        let folder = TestResources.temporaryFolder("safety-messages")
        let input = folder.appendingPathComponent("a.png")
        try image(input)
        let out = folder.appendingPathComponent("out").path
        let asFolder = try cli.run(["predict", input.path, "--output", out, "--model", folder.path])
        #expect(asFolder.status != 0)
        #expect(asFolder.error.contains("\(folder.path): cannot be read: it is a folder; expected a .safetensors file"), "\(asFolder.error)")
        let backbone = try cli.run(["predict", input.path, "--output", out, "--model", try #require(PretrainedBackbone.url).path])
        #expect(!backbone.error.contains("--backbone"), "\(backbone.error)")
        let dangling = folder.appendingPathComponent("gone.png").path
        #expect(symlink(folder.appendingPathComponent("nothing.png").path, dangling) == 0)
        let loop = folder.appendingPathComponent("loop").path
        #expect(symlink(loop, loop) == 0)
        for (path, words) in [(dangling, "dangling symbolic link"), (loop, "symbolic link loop")] {
            let outcome = try cli.run(["predict", path, "--output", out, "--model", try cli.trainedModel()])
            #expect(outcome.status != 0)
            #expect(outcome.error.contains(path) && outcome.error.contains(words), "\(outcome.error)")
        }
        let jpeg = folder.appendingPathComponent("photo.png")
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0x4A, 0x46, 0x49, 0x46, 0, 1]).write(to: jpeg)
        let outcome = try cli.run(["predict", jpeg.path, "--output", out, "--model", try cli.trainedModel()])
        #expect(outcome.error.contains("\(jpeg.path): JPEG is not supported; convert to PNG or TIFF"), "\(outcome.error)")
    }

    /// Every input gets one numbered line, in order, failed ones included.
    @Test func progressCountsFailedFilesToo() throws {
        let folder = TestResources.temporaryFolder("safety-progress")
        try image(folder.appendingPathComponent("in/a.png"))
        try Data("not an image".utf8).write(to: folder.appendingPathComponent("in/b.png"))
        try image(folder.appendingPathComponent("in/c.png"))
        let outcome = try cli.run(["predict", folder.appendingPathComponent("in").path, "--output", folder.appendingPathComponent("out").path,
                                   "--model", try cli.trainedModel()])
        #expect(outcome.status != 0)
        let numbered = outcome.output.split(separator: "\n").filter { $0.hasPrefix("[") }.map { String($0.prefix(5)) }
        #expect(numbered == ["[1/3]", "[2/3]", "[3/3]"], "\(outcome.output)")
        #expect(outcome.output.contains("b.png: failed"))
        #expect(outcome.output.contains("wrote results for 2 of 3 images"))
    }
}
