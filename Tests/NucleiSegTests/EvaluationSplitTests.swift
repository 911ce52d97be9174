import NucleiSeg
import Testing

@Suite struct EvaluationSplitTests {
    @Test func testSplitIsTheDefaultAndAnEmptyChoiceIsNamed() throws {
        let root = try SyntheticDataset.make(name: "evaluation-split", size: 32, counts: ["train": 2, "test": 1])
        let dataset = try Dataset.open(root)
        let (split, samples) = try dataset.evaluationSamples(split: nil, path: "DATA")
        #expect(split == "test" && samples.count == 1)
        #expect(try dataset.evaluationSamples(split: "train", path: "DATA").samples.count == 2)
        #expect(throws: EvaluationError.emptySplit(path: "DATA", split: "val")) { try dataset.evaluationSamples(split: "val", path: "DATA") }
    }
}
