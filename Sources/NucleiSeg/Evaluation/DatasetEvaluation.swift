import Foundation
import _FileSystemMessages

/// One evaluated image kept for figures: what it looked like, the truth and the prediction.
public struct EvaluationExample: Sendable {
    public var name: String
    public var display: RasterImage
    public var truth: LabelImage
    public var prediction: LabelImage
}

/// Loss and pixel-accuracy sums of one image, at native resolution and at the network input size.
public struct PixelLossSums: Sendable, Equatable {
    public var loss = 0.0
    public var correct = 0
    public var pixels = 0

    public init() {}

    /// Adds Keras's binary cross-entropy terms (probabilities clipped to [1e-7, 1 - 1e-7]) and
    /// correct decisions (p > 0.5 against label > 0) of one probability map.
    public mutating func add(probability: [Float], truth: [Int32]) {
        precondition(probability.count == truth.count, "probability \(probability.count) and truth \(truth.count) pixels differ")
        for (p, label) in zip(probability, truth) {
            let clipped = Double(min(max(p, 1e-7), 1 - 1e-7))
            loss -= label > 0 ? log(clipped) : log(1 - clipped)
            if (p > 0.5) == (label > 0) { correct += 1 }
        }
        pixels += probability.count
    }

    public static func + (left: PixelLossSums, right: PixelLossSums) -> PixelLossSums {
        var sum = left
        sum.loss += right.loss
        sum.correct += right.correct
        sum.pixels += right.pixels
        return sum
    }

    public var meanLoss: Double? { pixels > 0 ? loss / Double(pixels) : nil }
    public var accuracy: Double? { pixels > 0 ? Double(correct) / Double(pixels) : nil }
}

/// The figures of one group of images (a value of a manifest column such as `kind`).
public struct EvaluationGroup: Sendable {
    public var name: String
    public var summary: EvaluationSummary
}

/// `nucleiseg evaluate`'s result: per-image records, the dataset summary and a few examples.
public struct EvaluationReport: Sendable {
    public var images: [ImageEvaluation]
    public var summary: EvaluationSummary
    public var examples: [EvaluationExample]
    /// Per-image loss sums at native size, and at the network input size (resize models only).
    public var nativeSums: [PixelLossSums]
    public var inputSizeSums: [PixelLossSums?]
    /// Figures per group, when evaluated with a manifest (groups in sorted order).
    public var groups: [EvaluationGroup] = []

    public init(images: [ImageEvaluation], summary: EvaluationSummary, examples: [EvaluationExample],
                nativeSums: [PixelLossSums], inputSizeSums: [PixelLossSums?]) {
        precondition(images.count == nativeSums.count && images.count == inputSizeSums.count,
                     "EvaluationReport: \(images.count) images, \(nativeSums.count) and \(inputSizeSums.count) loss sums")
        self.images = images
        self.summary = summary
        self.examples = examples
        self.nativeSums = nativeSums
        self.inputSizeSums = inputSizeSums
    }

    /// The summary of the images at `indices`.
    public func summary(of indices: [Int]) -> EvaluationSummary {
        DatasetEvaluation.summary(images: indices.map { images[$0] }, native: indices.map { nativeSums[$0] },
                                  inputSize: indices.map { inputSizeSums[$0] })
    }

    /// Groups the images by `manifest` (images it does not list form the group "(unlisted)").
    public mutating func group(by manifest: ImageManifest, samples: [DatasetSample]) {
        precondition(samples.count == images.count, "group(by:) needs the evaluated samples in order")
        var members: [String: [Int]] = [:]
        for (index, sample) in samples.enumerated() { members[manifest.value(for: sample) ?? "(unlisted)", default: []].append(index) }
        groups = members.keys.sorted().map { EvaluationGroup(name: $0, summary: summary(of: members[$0]!)) }
    }

    /// Writes `per_image.csv` and `summary.json` (and `groups.json` when grouped) into `folder`.
    public func write(to folder: URL) throws {
        try OutputFolder.prepare(folder.path)
        try AtomicFile.write(Data(ImageEvaluation.csv(images).utf8), to: folder.appendingPathComponent("per_image.csv"))
        try AtomicFile.write(try summary.jsonData(), to: folder.appendingPathComponent("summary.json"))
        if !groups.isEmpty {
            var object: [String: EvaluationSummary] = [:]
            for group in groups { object[group.name] = group.summary }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(try encoder.encode(object), to: folder.appendingPathComponent("groups.json"))
        }
    }

    /// The headline figures, one per line.
    public var summaryLines: [String] { Self.lines(summary) }

    /// One table row per group: images, nuclei-level and pixel figures.
    public var groupLines: [String] {
        guard !groups.isEmpty else { return [] }
        func f(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "n/a" }
        let width = max(5, groups.map(\.name.count).max() ?? 5)
        func padded(_ text: String) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        var lines = [padded("group") + "  images  pixel-acc  IoU     DSB2018  AP@0.5  F1@0.5"]
        for group in groups {
            let s = group.summary
            lines.append(padded(group.name) + "  " + String(format: "%6d", s.imageCount) + "  " + f(s.accuracy) + "     "
                         + f(s.datasetForegroundIoU) + "  " + f(s.meanDSB2018Score) + "   " + f(s.meanAveragePrecisionAt50) + "  " + f(s.meanF1At50))
        }
        return lines
    }

    static func lines(_ s: EvaluationSummary) -> [String] {
        func f(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "n/a" }
        var lines = ["images \(s.imageCount): loss \(f(s.loss)), pixel accuracy \(f(s.accuracy)) (native resolution)"]
        if s.inputSizeLoss != nil || s.inputSizeAccuracy != nil {
            lines.append("at the network input size (Keras-style, masks resized nearest): loss \(f(s.inputSizeLoss)), pixel accuracy \(f(s.inputSizeAccuracy))")
        }
        lines += [
            "foreground IoU \(f(s.datasetForegroundIoU)) (dataset), \(f(s.meanPerImageForegroundIoU)) (mean per image); "
                + "Dice \(f(s.datasetForegroundDice)) (dataset), \(f(s.meanPerImageForegroundDice)) (mean per image)",
            "instances: DSB2018 score \(f(s.meanDSB2018Score)), AP@0.5 \(f(s.meanAveragePrecisionAt50)), F1@0.5 \(f(s.meanF1At50)) (means over images)",
        ]
        return lines
    }
}

/// Evaluates a model on labelled images at their native resolution.
///
/// Loss and pixel accuracy are means over every pixel of every image (Keras's definition), from
/// the predicted probability at native resolution (probabilities clipped to [1e-7, 1 - 1e-7]
/// as Keras does). For models that see the whole image resized (`resize`), the same figures are
/// also given at the network input size against masks resized by nearest neighbour: what the
/// published Keras pipeline reported. IoU and Dice are given both dataset-level (summed counts)
/// and as a mean per image. Instances are extracted from the predicted foreground (connected
/// components with touching nuclei split by a distance-transform watershed) and matched to the
/// truth.
public enum DatasetEvaluation {
    public static func evaluate(
        segmenter: Segmenter, samples: [DatasetSample], datasetPath: String,
        instanceOptions: InstanceExtractionOptions = .nuclei, exampleCount: Int = 6, rescale: Double = 1,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> EvaluationReport {
        precondition(rescale > 0 && rescale.isFinite, "rescale must be positive, got \(rescale)")
        var images: [ImageEvaluation] = []
        var examples: [EvaluationExample] = []
        var nativeSums: [PixelLossSums] = [], inputSizeSums: [PixelLossSums?] = []
        for (index, sample) in samples.enumerated() {
            let loaded = try Self.rescaled(sample.load(), by: rescale)
            let truth = loaded.labels
            let maps: ProbabilityMaps
            if segmenter.mode == .resize && !segmenter.testTimeAugmentation {
                let small = segmenter.inputSizeMaps(of: loaded.image)
                var sums = PixelLossSums()
                let smallForeground = ProbabilityMaps(interleaved: small.samples, channels: small.channels, width: small.width, height: small.height).foreground
                sums.add(probability: smallForeground, truth: segmenter.normalization.prepareLabels(truth).labels)
                inputSizeSums.append(sums)
                maps = ProbabilityMaps(interleaved: Resize.bilinear(small, width: truth.width, height: truth.height).samples,
                                       channels: small.channels, width: truth.width, height: truth.height)
            } else {
                inputSizeSums.append(nil)
                maps = segmenter.probabilityMaps(of: loaded.image)
            }
            var sums = PixelLossSums()
            sums.add(probability: maps.foreground, truth: truth.labels)
            nativeSums.append(sums)
            let prediction = InstanceExtraction.extract(maps: maps, options: instanceOptions)
            images.append(ImageEvaluation(name: sample.key, truth: truth, prediction: prediction))
            if examples.count < exampleCount {
                examples.append(EvaluationExample(name: sample.key, display: DisplayImage.make(loaded.image, normalization: segmenter.normalization),
                                                  truth: truth, prediction: prediction))
            }
            progress?(index + 1, samples.count)
        }
        return EvaluationReport(images: images, summary: summary(images: images, native: nativeSums, inputSize: inputSizeSums),
                                examples: examples, nativeSums: nativeSums, inputSizeSums: inputSizeSums)
    }

    /// The sample with its image resized by `factor` (bilinear) and its labels (nearest):
    /// how `evaluate --rescale` tests a model on nuclei smaller or larger than it was trained on.
    static func rescaled(_ loaded: LoadedSample, by factor: Double) -> (image: PixelImage, labels: LabelImage) {
        guard factor != 1 else { return (loaded.image, loaded.labels) }
        let image = NucleusScale.resize(loaded.image, by: factor)
        return (image, Resize.nearest(loaded.labels, width: image.width, height: image.height))
    }

    static func summary(images: [ImageEvaluation], native: [PixelLossSums], inputSize: [PixelLossSums?]) -> EvaluationSummary {
        let nativeTotal = native.reduce(PixelLossSums(), +)
        var summary = EvaluationSummary(images: images, loss: nativeTotal.meanLoss, accuracy: nativeTotal.accuracy)
        let small = inputSize.compactMap { $0 }
        if !small.isEmpty && small.count == inputSize.count {
            let total = small.reduce(PixelLossSums(), +)
            summary.inputSizeLoss = total.meanLoss
            summary.inputSizeAccuracy = total.accuracy
        }
        return summary
    }
}

/// 8-bit pictures of microscopy images for figures and overlays.
public enum DisplayImage {
    /// The image as the network sees it (same normalisation), mapped to 0...255.
    public static func make(_ image: PixelImage, normalization: NormalizationSpec) -> RasterImage {
        NetworkInput.normalizedPlanes(image, normalization: normalization).displayImage8Bit()
    }

    /// A normalised three-channel network input ([-1, 1]) as an 8-bit RGB picture.
    public static func raster(_ image: FloatImage) -> RasterImage {
        image.displayImage8Bit()
    }

    public static func png(_ canvas: RGBCanvas) throws -> [UInt8] {
        try PNGCodec.encode(canvas.raster)
    }
}

public enum EvaluationError: Error, Equatable, LocalizedError, CustomStringConvertible {
    case emptySplit(path: String, split: String)
    public var description: String {
        switch self {
        case let .emptySplit(path, split): return "\(path): no images in split '\(split)'"
        }
    }
    public var errorDescription: String? { description }
}
