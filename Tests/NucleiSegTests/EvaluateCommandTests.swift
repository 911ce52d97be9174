import Foundation
import NucleiSeg
import Testing

/// `nucleiseg evaluate --by MANIFEST`: figures per group, and the manifest's mistakes named.
@Suite struct EvaluateCommandTests {
    let cli = CommandLineTests()

    @Test func groupsByAManifestColumn() throws {
        let data = try SyntheticDataset.make(name: "cli-evaluate-by", size: 64, counts: ["test": 3])
        let manifest = data.appendingPathComponent("manifest.tsv")
        try "id\tkind\nimg0\tround\nimg1\tround\ntest/img2\tsmall\n".write(to: manifest, atomically: true, encoding: .utf8)
        let output = TestResources.temporaryFolder("cli-evaluate-by-out")
        let model = try cli.trainedModel()
        let outcome = try cli.run(["evaluate", "--data", data.path, "--model", model, "--by", manifest.path, "--output", output.path])
        #expect(outcome.status == 0, "\(outcome.error)")
        #expect(outcome.output.contains("by kind"))
        let rows = outcome.output.split(separator: "\n").filter { $0.hasPrefix("  round") || $0.hasPrefix("  small") }
        #expect(rows.count == 2, "\(outcome.output)")
        #expect(rows.first?.contains("     2  ") == true)
        let groups = try JSONDecoder().decode([String: EvaluationSummary].self, from: Data(contentsOf: output.appendingPathComponent("groups.json")))
        #expect(groups.keys.sorted() == ["round", "small"])
        #expect(groups["round"]?.imageCount == 2 && groups["small"]?.imageCount == 1)
        // A crops model gets no input-size (Keras-style) figures.
        #expect(!outcome.output.contains("network input size"))

        let wrongColumn = try cli.run(["evaluate", "--data", data.path, "--model", model, "--by", manifest.path, "--by-column", "stain",
                                       "--output", output.path])
        #expect(wrongColumn.status != 0)
        #expect(wrongColumn.error.contains(manifest.path) && wrongColumn.error.contains("stain"), "\(wrongColumn.error)")
    }

    /// `--rescale` changes the images' magnification; `--diameter` needs a tiled model that
    /// records its training nuclei's diameter, and says which file lacks it.
    @Test func rescaleAndDiameter() throws {
        let data = try SyntheticDataset.make(name: "cli-evaluate-rescale", size: 64, counts: ["test": 2])
        let folder = TestResources.temporaryFolder("cli-diameter-models")
        let sized = folder.appendingPathComponent("sized.safetensors"), unsized = folder.appendingPathComponent("unsized.safetensors")
        try ModelCheckpoint.save(model: UNet(classes: 3, seed: 1), metadata: ["sampling": "crops", "input_size": "128", "classes": "background,interior,boundary",
                                                                              "nucleus_diameter_px": "12.00"], to: sized)
        try ModelCheckpoint.save(model: UNet(seed: 1), metadata: ["sampling": "crops", "input_size": "128"], to: unsized)
        let output = TestResources.temporaryFolder("cli-evaluate-rescale-out")
        let outcome = try cli.run(["evaluate", "--data", data.path, "--model", sized.path, "--rescale", "0.5", "--diameter", "auto", "--output", output.path])
        #expect(outcome.status == 0, "\(outcome.error)")
        #expect(outcome.output.contains("rescaled 0.5x") && outcome.output.contains("diameter auto"), "\(outcome.output)")
        let fixed = try cli.run(["evaluate", "--data", data.path, "--model", sized.path, "--diameter", "6", "--output", output.path])
        #expect(fixed.status == 0, "\(fixed.error)")

        let missing = try cli.run(["evaluate", "--data", data.path, "--model", unsized.path, "--diameter", "20", "--output", output.path])
        #expect(missing.status != 0)
        #expect(missing.error.contains(unsized.path) && missing.error.contains("nucleus diameter"), "\(missing.error)")
        for bad in [["--rescale", "0"], ["--diameter", "-3"]] {
            let outcome = try cli.run(["evaluate", "--data", data.path, "--model", sized.path, "--output", output.path] + bad)
            #expect(outcome.status != 0, "\(bad)")
            #expect(outcome.error.contains(bad[0]), "\(outcome.error)")
        }
    }

    @Test func resizeModelsReportKerasStyleFiguresAtTheInputSize() throws {
        let data = try SyntheticDataset.make(name: "cli-evaluate-resize", size: 64, counts: ["test": 2])
        let url = TestResources.temporaryFolder("cli-resize-model").appendingPathComponent("model.safetensors")
        try ModelCheckpoint.save(model: UNet(seed: 1), metadata: ["sampling": "resize", "input_size": "128"], to: url)
        let output = TestResources.temporaryFolder("cli-evaluate-resize-out")
        let outcome = try cli.run(["evaluate", "--data", data.path, "--model", url.path, "--output", output.path])
        #expect(outcome.status == 0, "\(outcome.error)")
        #expect(outcome.output.contains("at the network input size (Keras-style, masks resized nearest)"))
        let summary = try JSONDecoder().decode(EvaluationSummary.self, from: Data(contentsOf: output.appendingPathComponent("summary.json")))
        #expect(summary.inputSizeAccuracy != nil && summary.inputSizeLoss != nil)
    }
}
