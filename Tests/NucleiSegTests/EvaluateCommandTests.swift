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
