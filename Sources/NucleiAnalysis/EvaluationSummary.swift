import Foundation  // JSONEncoder and String(format:)

/// The evaluation of one image: pixel counts and scores, ready for a table or a JSON report.
public struct ImageEvaluation: Equatable, Codable, Sendable {
    /// The image's name (file stem or dataset id).
    public var name: String
    /// Pixel confusion counts of the foreground.
    public var pixelCounts: PixelConfusion
    /// Foreground IoU of this image (1 when both masks are empty).
    public var foregroundIoU: Double
    /// Foreground Dice of this image (1 when both masks are empty).
    public var foregroundDice: Double
    /// DSB2018 score of this image.
    public var dsb2018Score: Double
    /// TP / (TP + FP + FN) at IoU > 0.5.
    public var averagePrecisionAt50: Double
    /// F1 at IoU > 0.5.
    public var f1At50: Double
    /// Number of ground-truth nuclei.
    public var truthCount: Int
    /// Number of predicted nuclei.
    public var predictedCount: Int

    /// Fields given directly.
    public init(
        name: String, pixelCounts: PixelConfusion, foregroundIoU: Double, foregroundDice: Double,
        dsb2018Score: Double, averagePrecisionAt50: Double, f1At50: Double, truthCount: Int, predictedCount: Int
    ) {
        self.name = name
        self.pixelCounts = pixelCounts
        self.foregroundIoU = foregroundIoU
        self.foregroundDice = foregroundDice
        self.dsb2018Score = dsb2018Score
        self.averagePrecisionAt50 = averagePrecisionAt50
        self.f1At50 = f1At50
        self.truthCount = truthCount
        self.predictedCount = predictedCount
    }

    /// Collects the pixel and instance results of one image.
    public init(name: String, pixelCounts: PixelConfusion, instances: InstanceScores) {
        self.init(
            name: name, pixelCounts: pixelCounts, foregroundIoU: pixelCounts.foregroundIoU,
            foregroundDice: pixelCounts.foregroundDice, dsb2018Score: instances.dsb2018Score,
            averagePrecisionAt50: instances.averagePrecisionAt50, f1At50: instances.f1At50,
            truthCount: instances.truthCount, predictedCount: instances.predictionCount)
    }

    /// Evaluates a predicted label image against the ground truth.
    public init(name: String, truth: LabelImage, prediction: LabelImage) {
        self.init(
            name: name,
            pixelCounts: PixelConfusion(prediction: prediction.foregroundMask, truth: truth.foregroundMask),
            instances: InstanceMatching.evaluate(truth: truth, prediction: prediction))
    }
}

/// The evaluation of a data set.
///
/// "Dataset" values come from pixel counts summed over all images; "mean per image" values
/// average each image's value. Loss and accuracy come from the model's evaluation pass and are
/// filled in by the caller (`nil` leaves them out of the JSON).
public struct EvaluationSummary: Equatable, Codable, Sendable {
    /// Number of images evaluated.
    public var imageCount: Int
    /// Mean loss over pixels, as Keras reports it.
    public var loss: Double?
    /// Pixel accuracy, as Keras reports it.
    public var accuracy: Double?
    /// Loss at the network input size against masks resized by nearest neighbour (models that
    /// resize whole images only): the figure the published Keras pipeline reported.
    public var inputSizeLoss: Double?
    /// Pixel accuracy at the network input size (see `inputSizeLoss`).
    public var inputSizeAccuracy: Double?
    /// Foreground IoU of the summed pixel counts.
    public var datasetForegroundIoU: Double
    /// Mean over images of the per-image foreground IoU.
    public var meanPerImageForegroundIoU: Double
    /// Foreground Dice of the summed pixel counts.
    public var datasetForegroundDice: Double
    /// Mean over images of the per-image foreground Dice.
    public var meanPerImageForegroundDice: Double
    /// Mean over images of the DSB2018 score (the data set's DSB2018 score).
    public var meanDSB2018Score: Double
    /// Mean over images of AP@0.5.
    public var meanAveragePrecisionAt50: Double
    /// Mean over images of F1@0.5.
    public var meanF1At50: Double

    /// Summarises per-image evaluations; every mean is 0 for no images.
    public init(images: [ImageEvaluation], loss: Double? = nil, accuracy: Double? = nil) {
        var pixels = PixelMetricsAccumulator()
        for image in images { pixels.add(image.pixelCounts) }
        func mean(_ value: (ImageEvaluation) -> Double) -> Double {
            images.isEmpty ? 0 : images.reduce(0) { $0 + value($1) } / Double(images.count)
        }
        imageCount = images.count
        self.loss = loss
        self.accuracy = accuracy
        datasetForegroundIoU = pixels.datasetForegroundIoU
        meanPerImageForegroundIoU = pixels.meanPerImageForegroundIoU
        datasetForegroundDice = pixels.datasetForegroundDice
        meanPerImageForegroundDice = pixels.meanPerImageForegroundDice
        meanDSB2018Score = mean(\.dsb2018Score)
        meanAveragePrecisionAt50 = mean(\.averagePrecisionAt50)
        meanF1At50 = mean(\.f1At50)
    }

    /// Pretty-printed JSON with sorted keys, so that reports diff cleanly.
    ///
    /// - Throws: `EncodingError` if a value is not finite (none of this module's values are).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}

extension ImageEvaluation {
    /// The CSV header of ``csv(_:)``.
    public static let csvHeader =
        "name,true_positive_pixels,false_positive_pixels,false_negative_pixels,true_negative_pixels,"
        + "foreground_iou,foreground_dice,dsb2018_score,ap50,f1_50,truth_count,predicted_count"

    /// Comma-separated text, a header and one line per image, each ending in "\n". Scores have 6
    /// decimals; a name holding a comma, quote or line break is quoted (RFC 4180).
    public static func csv(_ images: [ImageEvaluation]) -> String {
        var text = csvHeader + "\n"
        for image in images {
            let counts = image.pixelCounts
            let fields: [String] =
                [quotedIfNeeded(image.name)]
                + [counts.truePositives, counts.falsePositives, counts.falseNegatives, counts.trueNegatives].map { String($0) }
                + [image.foregroundIoU, image.foregroundDice, image.dsb2018Score, image.averagePrecisionAt50, image.f1At50]
                .map { String(format: "%.6f", $0) }
                + [String(image.truthCount), String(image.predictedCount)]
            text += fields.joined(separator: ",") + "\n"
        }
        return text
    }

    private static func quotedIfNeeded(_ field: String) -> String {
        guard field.unicodeScalars.contains(where: { ",\"\n\r".unicodeScalars.contains($0) }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
