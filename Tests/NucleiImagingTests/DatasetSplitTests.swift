import Foundation
import NucleiImaging
import Testing

struct DatasetSplitTests {
    @Test(arguments: [1, 2, 5, 44, 670])
    func splitIsDisjointCompleteAndEightyTwenty(count: Int) {
        let split = DatasetSplit.trainValidation(count: count, seed: 42)
        #expect(Set(split.training).isDisjoint(with: split.validation))
        #expect((split.training + split.validation).sorted() == Array(0..<count))
        let expected = count >= 2 ? min(max(Int((Double(count) * 0.2).rounded()), 1), count - 1) : 0
        #expect(split.validation.count == expected)
    }

    @Test func splitIsStableAcrossRunsAndMachines() {
        // Golden values: SplitMix64 and our Fisher-Yates are fully specified, so these indices
        // must never change for seed 42 (a change would silently reshuffle users' validation sets).
        let split = DatasetSplit.trainValidation(count: 10, seed: 42)
        #expect(split == DatasetSplit.trainValidation(count: 10, seed: 42))
        #expect(split.validation == Self.goldenValidation)
        #expect(DatasetSplit.trainValidation(count: 10, seed: 43) != split)
    }

    /// From an independent Python transcription of SplitMix64 + Fisher-Yates (dev-time check).
    static let goldenValidation = [0, 9]

    @Test func datasetWithValidationFolderKeepsIt() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let mask = Fixtures.labelPNG(width: 4, height: 3, labels: Fixtures.twoNuclei)
        for (split, name) in [("train", "a"), ("train", "b"), ("val", "c"), ("test", "d")] {
            try folder.write(Fixtures.grayPNG(), to: "\(split)/images/\(name).png")
            try folder.write(mask, to: "\(split)/masks/\(name).png")
        }
        let dataset = try Dataset.open(folder.url)
        let (training, validation) = DatasetSplit.trainValidation(of: dataset, seed: 1)
        #expect(training.map(\.key) == ["train/a", "train/b"])
        #expect(validation.map(\.key) == ["val/c"])
    }

    @Test func evaluationSamplesFollowTheTrainingSplit() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let mask = Fixtures.labelPNG(width: 4, height: 3, labels: Fixtures.twoNuclei)
        // A layout without a val folder: validation is the seeded 20% of train, exactly what
        // `train` validates on with the same seed.
        let names = (0..<10).map { "i\($0)" }
        for name in names {
            try folder.write(Fixtures.grayPNG(), to: "train/images/\(name).png")
            try folder.write(mask, to: "train/masks/\(name).png")
        }
        try folder.write(Fixtures.grayPNG(), to: "test/images/t.png")
        try folder.write(mask, to: "test/masks/t.png")
        let dataset = try Dataset.open(folder.url)
        let validation = DatasetSplit.evaluationSamples(of: dataset, split: "validation", seed: 42)
        // Seed 42 puts indices 0 and 9 of the sorted training samples into validation (the golden split above).
        #expect(validation.map(\.key) == ["train/i0", "train/i9"])
        #expect(validation.map(\.key) == DatasetSplit.trainValidation(of: dataset, seed: 42).validation.map(\.key))
        #expect(DatasetSplit.evaluationSamples(of: dataset, split: "val", seed: 42).map(\.key) == validation.map(\.key))
        #expect(DatasetSplit.evaluationSamples(of: dataset, split: nil, seed: 42).map(\.key) == ["test/t"])
        #expect(DatasetSplit.evaluationSamples(of: dataset, split: "train", seed: 42).count == 10)
        #expect(DatasetSplit.evaluationSamples(of: dataset, split: "missing", seed: 42).isEmpty)
    }
}
