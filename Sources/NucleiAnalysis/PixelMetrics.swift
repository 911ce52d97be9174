/// Pixel-level confusion counts of a binary segmentation against its ground truth.
///
/// Foreground (nucleus) is the positive class. Counts add, so one value can describe one image
/// or a whole data set; ratios computed from summed counts are *dataset-level* (every pixel of
/// the data set weighs the same), which is what Keras' accuracy and most papers' "IoU" report.
/// ``PixelMetricsAccumulator`` also keeps the *mean over images*, where each image weighs the same.
///
/// Empty cases: when an image has neither predicted nor true foreground, IoU and Dice are 1.0
/// (a perfect answer for an image without nuclei), not 0/0.
public struct PixelConfusion: Equatable, Hashable, Codable, Sendable {
    /// Pixels predicted foreground that are foreground.
    public var truePositives: Int
    /// Pixels predicted foreground that are background.
    public var falsePositives: Int
    /// Pixels predicted background that are foreground.
    public var falseNegatives: Int
    /// Pixels predicted background that are background.
    public var trueNegatives: Int

    /// Counts given directly.
    public init(truePositives: Int = 0, falsePositives: Int = 0, falseNegatives: Int = 0, trueNegatives: Int = 0) {
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.falseNegatives = falseNegatives
        self.trueNegatives = trueNegatives
    }

    /// Counts one image's pixels.
    ///
    /// - Precondition: both masks have the same number of pixels.
    /// - Complexity: O(pixels).
    public init(prediction: [Bool], truth: [Bool]) {
        precondition(
            prediction.count == truth.count,
            "PixelConfusion: \(prediction.count) predicted pixels against \(truth.count) true pixels")
        var counts = [0, 0, 0, 0]  // index = 2 * truth + prediction
        prediction.withUnsafeBufferPointer { predicted in
            truth.withUnsafeBufferPointer { expected in
                for index in 0..<predicted.count {
                    counts[(expected[index] ? 2 : 0) + (predicted[index] ? 1 : 0)] += 1
                }
            }
        }
        self.init(truePositives: counts[3], falsePositives: counts[1], falseNegatives: counts[2], trueNegatives: counts[0])
    }

    /// Counts one image's pixels; any non-zero byte is foreground.
    public init(prediction: [UInt8], truth: [UInt8]) {
        self.init(prediction: prediction.map { $0 != 0 }, truth: truth.map { $0 != 0 })
    }

    /// Counts one pixel.
    @inline(__always)
    public mutating func add(truth: Bool, prediction: Bool) {
        switch (truth, prediction) {
        case (true, true): truePositives += 1
        case (false, true): falsePositives += 1
        case (true, false): falseNegatives += 1
        case (false, false): trueNegatives += 1
        }
    }

    /// All pixels counted.
    public var pixelCount: Int { truePositives + falsePositives + falseNegatives + trueNegatives }

    /// Foreground intersection over union, TP / (TP + FP + FN); 1.0 when both masks are empty.
    public var foregroundIoU: Double {
        let union = truePositives + falsePositives + falseNegatives
        return union == 0 ? 1.0 : Double(truePositives) / Double(union)
    }

    /// Foreground Dice coefficient (F1 of pixels), 2TP / (2TP + FP + FN); 1.0 when both masks are empty.
    public var foregroundDice: Double {
        let denominator = 2 * truePositives + falsePositives + falseNegatives
        return denominator == 0 ? 1.0 : Double(2 * truePositives) / Double(denominator)
    }

    /// Fraction of pixels classified correctly, (TP + TN) / all; 1.0 when no pixel was counted.
    public var pixelAccuracy: Double {
        pixelCount == 0 ? 1.0 : Double(truePositives + trueNegatives) / Double(pixelCount)
    }

    /// Sum of two sets of counts.
    public static func + (left: PixelConfusion, right: PixelConfusion) -> PixelConfusion {
        PixelConfusion(
            truePositives: left.truePositives + right.truePositives,
            falsePositives: left.falsePositives + right.falsePositives,
            falseNegatives: left.falseNegatives + right.falseNegatives,
            trueNegatives: left.trueNegatives + right.trueNegatives)
    }

    /// Adds another set of counts.
    public static func += (left: inout PixelConfusion, right: PixelConfusion) { left = left + right }
}

/// Accumulates pixel metrics over the images of a data set, both ways they are reported:
/// *dataset-level* ratios from counts summed over all images, and the *mean per image* of each
/// image's ratio. The two differ when images differ in size or in how much foreground they hold;
/// say which one a table shows.
public struct PixelMetricsAccumulator: Equatable, Sendable {
    /// Counts summed over every image added.
    public private(set) var datasetConfusion = PixelConfusion()
    /// Number of images added.
    public private(set) var imageCount = 0
    private var sumOfImageIoU = 0.0
    private var sumOfImageDice = 0.0

    /// An empty accumulator.
    public init() {}

    /// Adds one image's counts.
    public mutating func add(_ image: PixelConfusion) {
        datasetConfusion += image
        imageCount += 1
        sumOfImageIoU += image.foregroundIoU
        sumOfImageDice += image.foregroundDice
    }

    /// Adds one image given as masks.
    public mutating func add(prediction: [Bool], truth: [Bool]) {
        add(PixelConfusion(prediction: prediction, truth: truth))
    }

    /// Foreground IoU of the summed counts (dataset-level).
    public var datasetForegroundIoU: Double { datasetConfusion.foregroundIoU }
    /// Foreground Dice of the summed counts (dataset-level).
    public var datasetForegroundDice: Double { datasetConfusion.foregroundDice }
    /// Pixel accuracy of the summed counts: the mean over all pixels, as Keras reports it.
    public var datasetPixelAccuracy: Double { datasetConfusion.pixelAccuracy }
    /// Mean over images of each image's foreground IoU; 0 when no image was added.
    public var meanPerImageForegroundIoU: Double { imageCount == 0 ? 0 : sumOfImageIoU / Double(imageCount) }
    /// Mean over images of each image's foreground Dice; 0 when no image was added.
    public var meanPerImageForegroundDice: Double { imageCount == 0 ? 0 : sumOfImageDice / Double(imageCount) }
}
