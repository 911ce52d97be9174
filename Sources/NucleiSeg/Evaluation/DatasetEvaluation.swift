import Foundation

/// One evaluated image kept for figures: what it looked like, the truth and the prediction.
public struct EvaluationExample: Sendable {
    public var name: String
    public var display: RasterImage
    public var truth: LabelImage
    public var prediction: LabelImage
}

/// `nucleiseg evaluate`'s result: per-image records, the dataset summary and a few examples.
public struct EvaluationReport: Sendable {
    public var images: [ImageEvaluation]
    public var summary: EvaluationSummary
    public var examples: [EvaluationExample]

    /// Writes `per_image.csv` and `summary.json` into `folder` (created if needed).
    public func write(to folder: URL) throws {
        try OutputFolder.prepare(folder.path)
        try AtomicFile.write(Data(ImageEvaluation.csv(images).utf8), to: folder.appendingPathComponent("per_image.csv"))
        try AtomicFile.write(try summary.jsonData(), to: folder.appendingPathComponent("summary.json"))
    }

    /// The headline figures, one per line.
    public var summaryLines: [String] {
        let s = summary
        func f(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "n/a" }
        return [
            "images \(s.imageCount): loss \(f(s.loss)), pixel accuracy \(f(s.accuracy))",
            "foreground IoU \(f(s.datasetForegroundIoU)) (dataset), \(f(s.meanPerImageForegroundIoU)) (mean per image); "
                + "Dice \(f(s.datasetForegroundDice)) (dataset), \(f(s.meanPerImageForegroundDice)) (mean per image)",
            "instances: DSB2018 score \(f(s.meanDSB2018Score)), AP@0.5 \(f(s.meanAveragePrecisionAt50)), F1@0.5 \(f(s.meanF1At50)) (means over images)",
        ]
    }
}

/// Evaluates a model on labelled images at their native resolution.
///
/// Loss and pixel accuracy are means over every pixel of every image (Keras's definition), from
/// the predicted probability at native resolution (probabilities clipped to [1e-7, 1 - 1e-7]
/// as Keras does). IoU and Dice are given both dataset-level (summed counts) and as a mean per
/// image. Instances are extracted from the predicted foreground (connected components with
/// touching nuclei split by a distance-transform watershed) and matched to the truth.
public enum DatasetEvaluation {
    public static func evaluate(
        segmenter: Segmenter, samples: [DatasetSample], datasetPath: String,
        instanceOptions: InstanceExtractionOptions = .nuclei, exampleCount: Int = 6,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> EvaluationReport {
        var images: [ImageEvaluation] = []
        var examples: [EvaluationExample] = []
        var lossSum = 0.0, correct = 0, pixels = 0
        for (index, sample) in samples.enumerated() {
            let loaded = try sample.load()
            let probability = segmenter.foregroundProbability(of: loaded.image)
            let truth = loaded.labels
            for (p, label) in zip(probability, truth.labels) {
                let clipped = Double(min(max(p, 1e-7), 1 - 1e-7))
                lossSum -= label > 0 ? log(clipped) : log(1 - clipped)
                if (p > 0.5) == (label > 0) { correct += 1 }
            }
            pixels += probability.count
            let prediction = InstanceExtraction.extract(probability: probability, width: truth.width, height: truth.height, options: instanceOptions)
            images.append(ImageEvaluation(name: sample.key, truth: truth, prediction: prediction))
            if examples.count < exampleCount {
                examples.append(EvaluationExample(name: sample.key, display: DisplayImage.make(loaded.image, normalization: segmenter.normalization),
                                                  truth: truth, prediction: prediction))
            }
            progress?(index + 1, samples.count)
        }
        let summary = EvaluationSummary(images: images, loss: lossSum / Double(max(pixels, 1)), accuracy: Double(correct) / Double(max(pixels, 1)))
        return EvaluationReport(images: images, summary: summary, examples: examples)
    }
}

/// 8-bit pictures of microscopy images for figures and overlays.
public enum DisplayImage {
    /// The image as the network sees it (same normalisation), mapped to 0...255.
    public static func make(_ image: PixelImage, normalization: NormalizationSpec) -> RasterImage {
        let planes = NetworkInput.normalizedPlanes(image, normalization: normalization)
        let bytes = planes.pixels.map { UInt8(min(max(($0 + 1) * 127.5, 0), 255).rounded()) }
        return planes.channels == 1
            ? RasterImage(gray: bytes, width: image.width, height: image.height)
            : RasterImage(rgb: bytes, width: image.width, height: image.height)
    }

    /// A normalised three-channel network input ([-1, 1]) as an 8-bit RGB picture.
    public static func raster(_ image: FloatImage) -> RasterImage {
        let display = image.displayImage8Bit()
        return RasterImage(rgb: display.samples.map { UInt8($0) }, width: display.width, height: display.height)
    }

    /// An RGB canvas as an 8-bit RGB `PixelImage` for the PNG encoder.
    public static func pixelImage(_ canvas: RGBCanvas) -> PixelImage {
        PixelImage(width: canvas.width, height: canvas.height, channels: 3, bitDepth: 8, samples: canvas.pixels.map(UInt16.init))
    }

    public static func png(_ canvas: RGBCanvas) throws -> [UInt8] {
        try PNGCodec.encode(pixelImage(canvas))
    }
}

public enum EvaluationError: Error, LocalizedError, CustomStringConvertible {
    case emptySplit(path: String, split: String)
    public var description: String {
        switch self {
        case let .emptySplit(path, split): return "\(path): no images in split '\(split)'"
        }
    }
    public var errorDescription: String? { description }
}
