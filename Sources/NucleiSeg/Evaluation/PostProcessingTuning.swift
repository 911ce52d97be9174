import Foundation

/// One post-processing setting and how it scored on the tuning images.
public struct PostProcessingCandidate: Sendable {
    public var options: InstanceExtractionOptions
    public var summary: EvaluationSummary
}

/// Chooses the instance post-processing of a model on labelled images it was not trained on
/// (its validation images), as StarDist's `optimize_thresholds` does: the network runs once per
/// image, then every candidate setting is extracted and scored from the same probability maps.
///
/// The objective is the mean DSB2018 score over images (ties: the higher AP@0.5, then the
/// earlier candidate, so the documented defaults win a tie when they come first). Test folders
/// must never be used: a setting chosen on them says nothing about images not yet seen.
public enum PostProcessingTuning {
    /// The settings tried for a head, each a change of `base`: the foreground threshold with the
    /// distance split's marker dynamic, absolute or relative to the nucleus radius (seed head),
    /// or with the interior threshold (contour head).
    /// `base` itself comes first.
    public static func candidates(for head: SegmentationHead, base: InstanceExtractionOptions) -> [InstanceExtractionOptions] {
        var list = [base]
        let thresholds: [Float] = [0.3, 0.4, 0.5, 0.6, 0.7]
        switch head {
        case .seed:
            for threshold in thresholds {
                for dynamic: Float in [0.5, 0.75, 1, 1.5, 2, 2.5, 3, 4] {
                    var options = base
                    options.threshold = threshold
                    options.minimumMarkerDynamic = dynamic
                    options.relativeMarkerDynamic = 0
                    list.append(options)
                }
                // The magnification-free condition, over a small absolute floor.
                for relative: Float in [0.1, 0.15, 0.2, 0.25, 0.3] {
                    var options = base
                    options.threshold = threshold
                    options.minimumMarkerDynamic = 0.5
                    options.relativeMarkerDynamic = relative
                    list.append(options)
                }
            }
        case .contour:
            for threshold in thresholds {
                for interior: Float in [0.3, 0.4, 0.5, 0.6, 0.7, 0.8] {
                    var options = base
                    options.threshold = threshold
                    options.interiorThreshold = interior
                    list.append(options)
                }
            }
        }
        var unique: [InstanceExtractionOptions] = []
        for options in list where !unique.contains(options) { unique.append(options) }
        return unique
    }

    /// Scores every candidate on `samples` and returns them best first.
    ///
    /// - Complexity: one network pass per image, then one instance extraction and matching per
    ///   image and candidate (about 5% of a pass each, measured by `benchmark predict`).
    /// - Throws: `ImagingError` naming a file that cannot be read.
    public static func tune(
        segmenter: Segmenter, samples: [DatasetSample], candidates: [InstanceExtractionOptions],
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> [PostProcessingCandidate] {
        precondition(!candidates.isEmpty, "tune needs at least one candidate")
        var evaluations = [[ImageEvaluation]](repeating: [], count: candidates.count)
        for (index, sample) in samples.enumerated() {
            let loaded = try sample.load()
            let maps = segmenter.probabilityMaps(of: loaded.image)
            for (candidate, options) in candidates.enumerated() {
                let prediction = InstanceExtraction.extract(maps: maps, options: options)
                evaluations[candidate].append(ImageEvaluation(name: sample.key, truth: loaded.labels, prediction: prediction))
            }
            progress?(index + 1, samples.count)
        }
        let scored = zip(candidates, evaluations).map { PostProcessingCandidate(options: $0, summary: EvaluationSummary(images: $1)) }
        return ranked(scored)
    }

    /// Best first: the higher mean DSB2018 score, then the higher AP@0.5, then the earlier one.
    static func ranked(_ candidates: [PostProcessingCandidate]) -> [PostProcessingCandidate] {
        candidates.enumerated().sorted { left, right in
            let (a, b) = (left.element.summary, right.element.summary)
            if a.meanDSB2018Score != b.meanDSB2018Score { return a.meanDSB2018Score > b.meanDSB2018Score }
            if a.meanAveragePrecisionAt50 != b.meanAveragePrecisionAt50 { return a.meanAveragePrecisionAt50 > b.meanAveragePrecisionAt50 }
            return left.offset < right.offset
        }.map(\.element)
    }
}
