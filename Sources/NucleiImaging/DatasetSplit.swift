import NucleiBase

/// The seeded train/validation split (80:20 by default), the same on every run and machine
/// for the same seed and the same sorted list of samples.
public struct TrainValidationSplit: Sendable, Equatable {
    /// Indices into the split list, ascending.
    public var training: [Int]
    /// Indices into the split list, ascending.
    public var validation: [Int]
}

public enum DatasetSplit {
    /// Splits `0..<count`: a seeded permutation (`SeededGenerator`), whose first
    /// `round(count * validationFraction)` indices (at least 1 and at most count - 1 when
    /// count >= 2) become validation. Disjoint and complete; both lists sorted.
    public static func trainValidation(count: Int, validationFraction: Double = 0.2, seed: UInt64) -> TrainValidationSplit {
        precondition(count >= 0 && (0...1).contains(validationFraction),
                     "split needs count >= 0 and a fraction in 0...1, got \(count) and \(validationFraction)")
        var validationCount = Int((Double(count) * validationFraction).rounded())
        if count >= 2 && validationFraction > 0 { validationCount = min(max(validationCount, 1), count - 1) }
        var generator = SeededGenerator(seed: seed)
        let order = generator.permutation(count)
        return TrainValidationSplit(training: order[validationCount...].sorted(), validation: order[..<validationCount].sorted())
    }

    /// Training and validation samples of a dataset. When the dataset has a `val` (or
    /// `validation`) split, that is the validation set and `train` the training set, as the
    /// authors intended; otherwise the `train` samples (or all, for layouts without splits)
    /// are split by `trainValidation(count:validationFraction:seed:)`. `test` is never used.
    public static func trainValidation(of dataset: Dataset, validationFraction: Double = 0.2, seed: UInt64)
        -> (training: [DatasetSample], validation: [DatasetSample]) {
        let validation = dataset.samples.filter { $0.split == "val" || $0.split == "validation" }
        let training = dataset.samples.filter { $0.split == "train" || $0.split == nil }
        if !validation.isEmpty { return (training, validation) }
        let split = trainValidation(count: training.count, validationFraction: validationFraction, seed: seed)
        return (split.training.map { training[$0] }, split.validation.map { training[$0] })
    }
}

extension DatasetSplit {
    /// The name `evaluationSamples(of:split:seed:)` takes for the images a training run
    /// validated on.
    public static let validationSplitName = "validation"

    /// The samples `evaluate` scores.
    ///
    /// - `nil`: the `test` split when the dataset has one, else every sample.
    /// - `"validation"` (or `"val"`): exactly the images `train` validates on with `seed` (the
    ///   dataset's own `val` split, or the seeded fraction of its training images), so that
    ///   post-processing and training choices can be made without ever looking at a test folder.
    /// - any other name: the samples of that split folder.
    public static func evaluationSamples(
        of dataset: Dataset, split: String?, seed: UInt64, validationFraction: Double = 0.2
    ) -> [DatasetSample] {
        switch split {
        case nil:
            let test = dataset.samples(inSplit: "test")
            return test.isEmpty ? dataset.samples : test
        case validationSplitName?, "val"?:
            return trainValidation(of: dataset, validationFraction: validationFraction, seed: seed).validation
        case let name?:
            return dataset.samples(inSplit: name)
        }
    }
}
