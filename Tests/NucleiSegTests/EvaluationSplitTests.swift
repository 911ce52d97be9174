import NucleiSeg
import Testing

@Suite struct EvaluationSplitTests {
    @Test func testSplitIsTheDefaultAndAnEmptyChoiceIsNamed() throws {
        let root = try SyntheticDataset.make(name: "evaluation-split", size: 32, counts: ["train": 2, "test": 1])
        let dataset = try Dataset.open(root)
        let (split, samples) = try dataset.evaluationSamples(split: nil, path: "DATA")
        #expect(split == "test" && samples.count == 1)
        #expect(try dataset.evaluationSamples(split: "train", path: "DATA").samples.count == 2)
        #expect(throws: EvaluationError.emptySplit(path: "DATA", split: "extra")) { try dataset.evaluationSamples(split: "extra", path: "DATA") }
        // Without a val folder, validation is the seeded 20% of train that `train` validates on.
        let validation = try dataset.evaluationSamples(split: "validation", path: "DATA", seed: 42)
        #expect(validation.samples.map(\.key) == DatasetSplit.trainValidation(of: dataset, seed: 42).validation.map(\.key))
        #expect(validation.samples.count == 1)
    }
}
