import Foundation

/// How `Segmenter` scales an image before the network so that its nuclei have the size the
/// model was trained on (the checkpoint's `nucleus_diameter_px`), as Cellpose's and StarDist's
/// diameter / scale settings do. Outputs are always at the image's native size.
public enum DiameterSetting: Sendable, Equatable, CustomStringConvertible {
    /// Predict at native resolution.
    case native
    /// The image's nuclei are about this many pixels across: scale by model diameter / this.
    case pixels(Double)
    /// Estimate the diameter from a first native-resolution pass (median equivalent diameter of
    /// its instances), then predict again at the matching scale.
    case auto

    /// Parses `auto` or a positive number of pixels.
    public init?(argument: String) {
        if argument == "auto" { self = .auto; return }
        guard let value = Double(argument), value.isFinite, value > 0 else { return nil }
        self = .pixels(value)
    }

    public var description: String {
        switch self {
        case .native: return "native"
        case .auto: return "auto"
        case let .pixels(value): return String(format: "%g px", value)
        }
    }
}

public enum DiameterError: Error, LocalizedError, CustomStringConvertible, Equatable {
    case needsTiledModel(path: String)
    case noModelDiameter(path: String)

    public var description: String {
        switch self {
        case let .needsTiledModel(path):
            return "\(path): this model resizes whole images to its input size, so a nucleus diameter cannot apply; it needs a model trained on native-resolution crops"
        case let .noModelDiameter(path):
            return "\(path): the checkpoint records no nucleus diameter (metadata nucleus_diameter_px, written by train since the contour head); retrain it to use a diameter"
        }
    }
    public var errorDescription: String? { description }
}

public enum NucleusScale {
    /// Scale factors beyond these are clamped: a factor of 4 already turns a 10 px nucleus into a 40 px one.
    public static let factorRange: ClosedRange<Double> = 0.25...4
    /// An auto estimate within this ratio of the model's diameter keeps the first pass.
    public static let autoTolerance = 1.2
    /// Auto predicts again at most this many times after the native pass.
    public static let autoRescaledPasses = 2
    /// Auto needs at least this many nuclei in the first pass to trust their median.
    public static let autoMinimumNuclei = 5
    /// A scaled image never exceeds this many pixels (or the native size, when larger).
    public static let maximumScaledPixels = 1 << 26

    /// Median equivalent diameter (2 sqrt(area / pi)) of the labelled instances; nil without any.
    public static func medianDiameter(_ labels: LabelImage) -> (diameter: Double, count: Int)? {
        let diameters = labels.equivalentDiameters
        return LabelImage.median(diameters).map { ($0, diameters.count) }
    }

    /// The factor that makes nuclei `diameter` px across match `model` px, clamped to
    /// `factorRange` and to `maximumScaledPixels` for a `width x height` image.
    public static func factor(model: Double, image diameter: Double, width: Int, height: Int) -> Double {
        var factor = min(max(model / diameter, factorRange.lowerBound), factorRange.upperBound)
        let pixels = Double(width * height)
        let limit = max(pixels, Double(maximumScaledPixels))
        if pixels * factor * factor > limit { factor = (limit / pixels).squareRoot() }
        return factor
    }

    /// `image` resized by `factor` (bilinear, half-pixel centres; at least 1 px a side).
    public static func resize(_ image: PixelImage, by factor: Double) -> PixelImage {
        let width = max(1, Int((Double(image.width) * factor).rounded()))
        let height = max(1, Int((Double(image.height) * factor).rounded()))
        let float = FloatImage(width: image.width, height: image.height, channels: image.channels, samples: image.samples.map(Float.init))
        let resized = Resize.bilinear(float, width: width, height: height)
        let top = Float(image.bitDepth == 8 ? 255 : 65535)
        return PixelImage(width: width, height: height, channels: image.channels, bitDepth: image.bitDepth,
                          samples: resized.samples.map { UInt16(min(max($0.rounded(), 0), top)) })
    }
}

extension Segmenter {
    /// The maps at native resolution and the factor the image was scaled by before the network.
    public func scaledMaps(of image: PixelImage) -> (maps: ProbabilityMaps, factor: Double) {
        switch diameter {
        case .native:
            return (maps(of: image, scaledBy: 1), 1)
        case let .pixels(size):
            let factor = modelDiameter.map { NucleusScale.factor(model: $0, image: size, width: image.width, height: image.height) } ?? 1
            return (maps(of: image, scaledBy: abs(factor - 1) < 1e-3 ? 1 : factor), factor)
        case .auto:
            // Each pass measures the nuclei it found (at native size) and, when that asks for a
            // scale more than `autoTolerance` away from the one used, predicts again. A pass at
            // the wrong scale finds large nuclei in pieces (and merges small ones), so one
            // estimate is biased towards the model's own size; the next pass, nearer the right
            // scale, measures better.
            var current = maps(of: image, scaledBy: 1)
            var factor = 1.0
            guard let model = modelDiameter else { return (current, 1) }
            for _ in 0..<NucleusScale.autoRescaledPasses {
                guard let measured = NucleusScale.medianDiameter(InstanceExtraction.extract(maps: current, options: postProcessing)),
                      measured.count >= NucleusScale.autoMinimumNuclei else { break }
                let next = NucleusScale.factor(model: model, image: measured.diameter, width: image.width, height: image.height)
                guard max(next / factor, factor / next) > NucleusScale.autoTolerance else { break }
                factor = next
                current = maps(of: image, scaledBy: factor)
            }
            return (current, factor)
        }
    }
}
