extension Dataset {
    /// The images `evaluate` scores: the named split, else `test` when the dataset has one, else
    /// every image.
    ///
    /// - Parameters:
    ///   - split: the split asked for, or nil for the default.
    ///   - path: the dataset as the user named it, for the error.
    /// - Returns: the split used (nil: every image) and its samples.
    /// - Throws: `EvaluationError.emptySplit` when that choice holds no image.
    public func evaluationSamples(split: String?, path: String) throws(EvaluationError) -> (split: String?, samples: [DatasetSample]) {
        let chosen = split ?? (samples.contains { $0.split == "test" } ? "test" : nil)
        let chosenSamples = chosen.map { name in samples.filter { $0.split == name } } ?? samples
        guard !chosenSamples.isEmpty else { throw .emptySplit(path: path, split: chosen ?? "(all)") }
        return (chosen, chosenSamples)
    }
}
