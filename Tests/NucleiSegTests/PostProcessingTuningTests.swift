import Foundation
import NucleiSeg
import Testing

/// `nucleiseg tune`: the candidate grid, the ranking rule, the scores against `evaluate`'s own
/// path, and the setting recorded in (and read back from) a checkpoint.
@Suite struct PostProcessingTuningTests {
    @Test func candidatesStartWithTheBaseAndVaryTheHeadsThresholds() {
        let base = InstanceExtractionOptions.nuclei
        let seed = PostProcessingTuning.candidates(for: .seed, base: base)
        #expect(seed.first == base)
        // 5 thresholds x (8 absolute marker dynamics + 5 relative ones), the base (0.5, 2.5) among them once.
        #expect(seed.count == 65)
        #expect(Set(seed.map(\.relativeMarkerDynamic)) == [0, 0.1, 0.15, 0.2, 0.25, 0.3])
        #expect(Set(seed.map(\.threshold)) == [0.3, 0.4, 0.5, 0.6, 0.7])
        #expect(Set(seed.map(\.minimumMarkerDynamic)) == [0.5, 0.75, 1, 1.5, 2, 2.5, 3, 4])
        #expect(seed.allSatisfy { $0.interiorThreshold == base.interiorThreshold && $0.minimumArea == base.minimumArea && $0.fillHoles })
        let contour = PostProcessingTuning.candidates(for: .contour, base: base)
        #expect(contour.count == 30 && contour.first == base)
        #expect(contour.allSatisfy { $0.minimumMarkerDynamic == base.minimumMarkerDynamic })
        // A base outside the grid is kept as the first candidate.
        var odd = base
        odd.threshold = 0.45
        #expect(PostProcessingTuning.candidates(for: .seed, base: odd).count == 66)
    }

    /// The network runs once per image; each candidate's figures must be exactly what
    /// `evaluate` reports with that setting (an independent path: it predicts again).
    @Test func scoresEqualEvaluateWithTheSameSetting() throws {
        let dataset = try Dataset.open(TestResources.packageRoot.appendingPathComponent("data/dsb2018/train"))
        let names = ["0287e7ee5b007c91ae2bd7628d09735e70496bc6127ecb7f3dd043e04ce37426",
                     "04acab7636c4cf61d288a5962f15fa456b7bde31a021e5deedfbf51288e4001e"]
        let samples = dataset.samples.filter { names.contains($0.name) }
        #expect(samples.count == 2)
        let segmenter = try ShippedModel.segmenter(path: nil, precision: .float32)
        var low = InstanceExtractionOptions.nuclei
        low.threshold = 0.3
        low.minimumMarkerDynamic = 1
        let candidates = [InstanceExtractionOptions.nuclei, low]
        let ranked = try PostProcessingTuning.tune(segmenter: segmenter, samples: samples, candidates: candidates)
        #expect(ranked.count == 2)
        #expect(ranked[0].summary.meanDSB2018Score >= ranked[1].summary.meanDSB2018Score)
        for candidate in ranked {
            let report = try DatasetEvaluation.evaluate(segmenter: segmenter, samples: samples, datasetPath: "train", instanceOptions: candidate.options)
            #expect(candidate.summary.meanDSB2018Score == report.summary.meanDSB2018Score)
            #expect(candidate.summary.meanAveragePrecisionAt50 == report.summary.meanAveragePrecisionAt50)
            #expect(candidate.summary.meanF1At50 == report.summary.meanF1At50)
            #expect(candidate.summary.imageCount == 2)
        }
        // The two settings give different instances on these crowded images.
        #expect(ranked[0].summary.meanDSB2018Score != ranked[1].summary.meanDSB2018Score)
    }

    @Test func recordedSettingIsWhatTheSegmenterUses() throws {
        let folder = TestResources.temporaryFolder("tuning-record")
        let source = folder.appendingPathComponent("model.safetensors"), tuned = folder.appendingPathComponent("tuned.safetensors")
        try ModelCheckpoint.save(model: UNet(seed: 3), metadata: ["sampling": "crops", "input_size": "128"], to: source)
        #expect(try ShippedModel.segmenter(path: source.path).postProcessing == .nuclei)
        var options = InstanceExtractionOptions.nuclei
        options.threshold = 0.4
        options.minimumMarkerDynamic = 1
        try ModelCheckpoint.recordPostProcessing(options, source: source, destination: tuned)
        #expect(try ShippedModel.segmenter(path: tuned.path).postProcessing == options)
        let before = try SafeTensorsFile(contentsOf: source), after = try SafeTensorsFile(contentsOf: tuned)
        #expect(before.tensors.keys.sorted() == after.tensors.keys.sorted())
        #expect(before.tensors.allSatisfy { key, tensor in after.tensors[key]?.shape == tensor.shape && after.tensors[key]?.scalars == tensor.scalars })
        #expect(after.metadata.filter { $0.key != "postprocessing_json" } == before.metadata)
        #expect(after.metadata["postprocessing_json"]?.contains("\"threshold\":0.4") == true)

        // A malformed or out-of-range setting is refused by name when the model is loaded.
        for bad in ["{\"threshold\": 2}", "not json"] {
            var file = after
            file.metadata["postprocessing_json"] = bad
            let broken = folder.appendingPathComponent("broken.safetensors")
            try file.write(to: broken)
            let error = #expect(throws: (any Error).self) { _ = try ShippedModel.segmenter(path: broken.path) }
            let message = error.map { String(describing: $0) } ?? ""
            #expect(message.contains(broken.path) && message.contains("postprocessing_json"), "\(message)")
        }
    }

    @Test func commandRecordsTheBestSettingAndRefusesTestImages() throws {
        let cli = CommandLineTests()
        let data = try SyntheticDataset.make(name: "cli-tune", size: 64, counts: ["train": 3, "val": 2, "test": 1])
        let model = try cli.trainedModel()
        let written = TestResources.temporaryFolder("cli-tune-out").appendingPathComponent("tuned.safetensors")
        let outcome = try cli.run(["tune", "--data", data.path, "--model", model, "--write", written.path])
        #expect(outcome.status == 0, "\(outcome.error)")
        #expect(outcome.output.contains("on 2 images (split validation)"), "\(outcome.output)")
        #expect(outcome.output.contains("(the model's current setting)"))
        let best = try #require(outcome.output.split(separator: "\n").first { $0.hasPrefix("   1 ") })
        let fields = best.split(separator: " ").compactMap { Float($0) }
        let recorded = try ShippedModel.segmenter(path: written.path).postProcessing
        #expect(fields.count >= 4 && recorded.threshold == fields[1] && recorded.minimumMarkerDynamic == fields[2]
                && recorded.relativeMarkerDynamic == fields[3], "\(best)")

        let test = try cli.run(["tune", "--data", data.path, "--model", model, "--split", "test"])
        #expect(test.status != 0)
        #expect(test.error.contains("--split test"), "\(test.error)")
        let threshold = try cli.run(["evaluate", "--data", data.path, "--model", model, "--threshold", "1.5"])
        #expect(threshold.status != 0 && threshold.error.contains("--threshold"), "\(threshold.error)")
    }
}
