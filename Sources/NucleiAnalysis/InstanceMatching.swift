/// The overlap of one ground-truth instance with one predicted instance.
public struct InstanceOverlap: Equatable, Hashable, Sendable {
    /// Label in the ground-truth image.
    public var truthLabel: Int32
    /// Label in the predicted image.
    public var predictionLabel: Int32
    /// Pixels in both.
    public var intersection: Int
    /// Pixels in either.
    public var union: Int

    /// Fields given directly.
    public init(truthLabel: Int32, predictionLabel: Int32, intersection: Int, union: Int) {
        self.truthLabel = truthLabel
        self.predictionLabel = predictionLabel
        self.intersection = intersection
        self.union = union
    }

    /// Intersection over union.
    public var iou: Double { Double(intersection) / Double(union) }
}

/// Every non-empty overlap between the instances of a ground-truth and a predicted label image.
///
/// Built from one pass over the pixels into a table keyed by (truth, prediction) pairs, so the
/// cost does not grow with (number of truth instances) x (number of predictions): a pair that
/// never overlaps never appears. Runs of equal pairs along a row are counted before they touch the
/// table, which removes most hashing.
public struct InstanceOverlapTable: Sendable {
    /// Pixel count of each ground-truth label present, by label.
    public let truthAreas: [Int32: Int]
    /// Pixel count of each predicted label present, by label.
    public let predictionAreas: [Int32: Int]
    /// Pairs with at least one common pixel, ordered by truth label, then prediction label.
    public let overlaps: [InstanceOverlap]

    /// Number of ground-truth instances.
    public var truthCount: Int { truthAreas.count }
    /// Number of predicted instances.
    public var predictionCount: Int { predictionAreas.count }

    /// Measures the overlaps of two label images of the same size. Labels need not be consecutive.
    ///
    /// - Complexity: O(pixels + overlapping pairs · log).
    public init(truth: LabelImage, prediction: LabelImage) {
        precondition(
            truth.width == prediction.width && truth.height == prediction.height,
            "InstanceOverlapTable: truth \(truth.width)x\(truth.height), prediction \(prediction.width)x\(prediction.height)")
        func areas(_ labels: [Int32]) -> [Int32: Int] {
            var counts = [Int](repeating: 0, count: Int(labels.max() ?? 0) + 1)
            for label in labels { counts[Int(label)] += 1 }
            var result: [Int32: Int] = [:]
            for (label, count) in counts.enumerated().dropFirst() where count > 0 { result[Int32(label)] = count }
            return result
        }
        let truthAreas = areas(truth.labels), predictionAreas = areas(prediction.labels)
        var intersections: [UInt64: Int] = [:]
        var runKey: UInt64 = 0, runLength = 0
        truth.labels.withUnsafeBufferPointer { truthLabels in
            prediction.labels.withUnsafeBufferPointer { predictionLabels in
                for index in 0..<truthLabels.count {
                    let truthLabel = truthLabels[index], predictionLabel = predictionLabels[index]
                    guard truthLabel != 0 && predictionLabel != 0 else { continue }
                    let key = UInt64(UInt32(truthLabel)) << 32 | UInt64(UInt32(predictionLabel))
                    if key == runKey {
                        runLength += 1
                    } else {
                        if runLength > 0 { intersections[runKey, default: 0] += runLength }
                        runKey = key
                        runLength = 1
                    }
                }
            }
        }
        if runLength > 0 { intersections[runKey, default: 0] += runLength }
        self.truthAreas = truthAreas
        self.predictionAreas = predictionAreas
        self.overlaps = intersections.sorted { $0.key < $1.key }.map { key, intersection in
            let truthLabel = Int32(key >> 32), predictionLabel = Int32(key & 0xFFFF_FFFF)
            return InstanceOverlap(
                truthLabel: truthLabel, predictionLabel: predictionLabel, intersection: intersection,
                union: truthAreas[truthLabel]! + predictionAreas[predictionLabel]! - intersection)
        }
    }
}

/// Matches at one IoU threshold.
///
/// Empty cases: when there is neither a ground-truth nor a predicted instance every ratio is 1
/// (nothing to find, nothing wrongly found); otherwise a ratio with a zero denominator is 0.
public struct MatchCounts: Equatable, Codable, Sendable {
    /// A pair matches when its IoU is strictly greater than this.
    public var threshold: Double
    /// Matched pairs.
    public var truePositives: Int
    /// Predictions without a match.
    public var falsePositives: Int
    /// Ground-truth instances without a match.
    public var falseNegatives: Int

    /// Counts given directly.
    public init(threshold: Double, truePositives: Int, falsePositives: Int, falseNegatives: Int) {
        self.threshold = threshold
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.falseNegatives = falseNegatives
    }

    /// TP / (TP + FP + FN): what the DSB2018 metric calls the precision at this threshold (and
    /// StarDist calls accuracy).
    public var dsbPrecision: Double { ratio(truePositives, truePositives + falsePositives + falseNegatives) }
    /// TP / (TP + FP).
    public var precision: Double { ratio(truePositives, truePositives + falsePositives) }
    /// TP / (TP + FN).
    public var recall: Double { ratio(truePositives, truePositives + falseNegatives) }
    /// 2TP / (2TP + FP + FN), the harmonic mean of precision and recall.
    public var f1: Double { ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives) }

    private var bothEmpty: Bool { truePositives + falsePositives + falseNegatives == 0 }
    private func ratio(_ numerator: Int, _ denominator: Int) -> Double {
        denominator == 0 ? (bothEmpty ? 1 : 0) : Double(numerator) / Double(denominator)
    }
}

/// Instance-level scores of one image.
public struct InstanceScores: Equatable, Codable, Sendable {
    /// Number of ground-truth instances.
    public var truthCount: Int
    /// Number of predicted instances.
    public var predictionCount: Int
    /// Counts at each of ``InstanceMatching/dsbThresholds``.
    public var countsPerThreshold: [MatchCounts]
    /// Mean IoU of the pairs matched at 0.5; 1 when both images are empty, 0 when nothing matched.
    public var meanMatchedIoU: Double

    /// The DSB2018 score: mean over t in 0.50, 0.55, ..., 0.95 of TP / (TP + FP + FN).
    public var dsb2018Score: Double {
        countsPerThreshold.reduce(0) { $0 + $1.dsbPrecision } / Double(countsPerThreshold.count)
    }
    /// AP@0.5 as DSB2018 defines it: TP / (TP + FP + FN) at IoU > 0.5.
    public var averagePrecisionAt50: Double { countsPerThreshold[0].dsbPrecision }
    /// Precision at IoU > 0.5.
    public var precisionAt50: Double { countsPerThreshold[0].precision }
    /// Recall at IoU > 0.5.
    public var recallAt50: Double { countsPerThreshold[0].recall }
    /// F1 at IoU > 0.5.
    public var f1At50: Double { countsPerThreshold[0].f1 }
}

/// One-to-one matching of predicted to ground-truth instances and the DSB2018 score.
///
/// A pair matches at threshold t when its IoU > t (strict). For t >= 0.5 each instance has at
/// most one partner with IoU above t: IoU > 0.5 means the overlap covers more than half of
/// both, and two disjoint instances cannot each cover more than half of a third. So counting
/// the pairs above t is the optimal (and the greedy) matching; thresholds below 0.5 would need
/// an assignment solver and are refused.
public enum InstanceMatching {
    /// 0.50, 0.55, ..., 0.95, written out so that each equals its decimal literal exactly.
    public static let dsbThresholds: [Double] = [0.50, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80, 0.85, 0.90, 0.95]

    /// Matches at one threshold.
    ///
    /// - Precondition: `threshold >= 0.5`.
    /// - Complexity: O(overlapping pairs).
    public static func counts(_ table: InstanceOverlapTable, threshold: Double) -> MatchCounts {
        precondition(threshold >= 0.5, "counts: threshold \(threshold) < 0.5 needs an assignment solver")
        let matched = table.overlaps.reduce(0) { $0 + ($1.iou > threshold ? 1 : 0) }
        return MatchCounts(
            threshold: threshold, truePositives: matched,
            falsePositives: table.predictionCount - matched, falseNegatives: table.truthCount - matched)
    }

    /// Scores one predicted label image against its ground truth.
    ///
    /// - Complexity: O(pixels + overlapping pairs · log).
    public static func evaluate(truth: LabelImage, prediction: LabelImage) -> InstanceScores {
        score(InstanceOverlapTable(truth: truth, prediction: prediction))
    }

    /// Scores an overlap table.
    public static func score(_ table: InstanceOverlapTable) -> InstanceScores {
        let matchedIoU = table.overlaps.map(\.iou).filter { $0 > 0.5 }
        let meanMatchedIoU: Double =
            matchedIoU.isEmpty
            ? (table.truthCount == 0 && table.predictionCount == 0 ? 1 : 0)
            : matchedIoU.reduce(0, +) / Double(matchedIoU.count)
        return InstanceScores(
            truthCount: table.truthCount, predictionCount: table.predictionCount,
            countsPerThreshold: dsbThresholds.map { counts(table, threshold: $0) },
            meanMatchedIoU: meanMatchedIoU)
    }

    /// Dataset score: the mean of the images' DSB2018 scores (each image weighs the same, as on
    /// the Kaggle leaderboard); 0 for no images.
    public static func datasetScore(_ images: [InstanceScores]) -> Double {
        images.isEmpty ? 0 : images.reduce(0) { $0 + $1.dsb2018Score } / Double(images.count)
    }
}
