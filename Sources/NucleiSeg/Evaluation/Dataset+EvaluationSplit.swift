extension Dataset {
    /// The images `evaluate` scores: the named split (`validation`: the images `train` validates
    /// on with `seed`, see `DatasetSplit.evaluationSamples(of:split:seed:)`), else `test` when the
    /// dataset has one, else every image.
    ///
    /// - Parameters:
    ///   - split: the split asked for, or nil for the default.
    ///   - path: the dataset as the user named it, for the error.
    ///   - seed: the training seed `validation` follows.
    /// - Returns: the split used (nil: every image) and its samples.
    /// - Throws: `EvaluationError.emptySplit` when that choice holds no image.
    public func evaluationSamples(split: String?, path: String, seed: UInt64 = 42) throws(EvaluationError) -> (split: String?, samples: [DatasetSample]) {
        let chosen = split ?? (samples.contains { $0.split == "test" } ? "test" : nil)
        let chosenSamples = DatasetSplit.evaluationSamples(of: self, split: split, seed: seed)
        guard !chosenSamples.isEmpty else { throw .emptySplit(path: path, split: chosen ?? "(all)") }
        return (chosen, chosenSamples)
    }
}
