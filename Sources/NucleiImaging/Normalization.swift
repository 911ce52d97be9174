/// The one preprocessing rule used by training, evaluation and prediction, recorded in
/// checkpoints so that evaluation and prediction reuse exactly what training saw.
///
/// Steps, in order:
/// 1. **Channels.** Gray is copied into R, G and B; alpha is dropped (gray+alpha -> RGB,
///    RGBA -> RGB). MobileNetV2 expects three channels.
/// 2. **Intensity to [0, 1]**, by bit depth:
///    - 8-bit, `fullRange` (default): `x / 255`, as the Keras reference does.
///    - 16-bit, `percentiles(low: 0.1, high: 99.9)` (default): per image, over all colour
///      samples together, `lo` and `hi` are the 0.1st and 99.9th percentiles (linear
///      interpolation between order statistics, like NumPy's default), and
///      `x -> clip((x - lo) / (hi - lo), 0, 1)`. Microscopy cameras rarely fill 16 bits, so
///      `x / 65535` would give nearly black inputs; the percentiles also ignore a few hot
///      pixels. If `hi <= lo` (a nearly constant image) `hi` becomes the image maximum; if
///      that equals `lo` too, the image maps to 0.
///    Either bit depth may use either rule (`percentiles` for dim 8-bit images, say).
/// 3. **MobileNetV2 range:** `x * 2 - 1`, so [0, 1] -> [-1, 1] (Keras' `x / 127.5 - 1` for 8-bit).
/// 4. **Network input size** (`inputWidth` x `inputHeight`, 128 x 128): bilinear with
///    half-pixel centres for images; nearest for masks (labels are never interpolated).
/// 5. **Classes:** foreground = label > 0 (class 1 = nucleus, 0 = background).
public struct NormalizationSpec: Codable, Sendable, Equatable, CustomStringConvertible {
    /// How samples of one bit depth map to [0, 1].
    public enum IntensityRule: Codable, Sendable, Equatable, CustomStringConvertible {
        /// `x / (2^bits - 1)`.
        case fullRange
        /// Per-image percentiles `low` and `high` (in percent) map to 0 and 1, clipped.
        case percentiles(low: Double, high: Double)

        public var description: String {
            switch self {
            case .fullRange: return "x/max"
            case let .percentiles(low, high): return "per-image percentiles \(low)..\(high) -> [0,1] clipped"
            }
        }
    }

    /// Bumped whenever the meaning of a field changes.
    public var version: Int
    public var eightBit: IntensityRule
    public var sixteenBit: IntensityRule
    public var inputWidth: Int
    public var inputHeight: Int

    public init(version: Int = 1, eightBit: IntensityRule = .fullRange,
                sixteenBit: IntensityRule = .percentiles(low: 0.1, high: 99.9),
                inputWidth: Int = 128, inputHeight: Int = 128) {
        self.version = version
        self.eightBit = eightBit
        self.sixteenBit = sixteenBit
        self.inputWidth = inputWidth
        self.inputHeight = inputHeight
    }

    /// The default: 8-bit x/255, 16-bit per-image 0.1/99.9 percentiles, [-1, 1], 128 x 128.
    public static let standard = NormalizationSpec()

    /// One line that a checkpoint or report can record.
    public var description: String {
        "normalization v\(version): gray->RGB, alpha dropped; 8-bit \(eightBit); 16-bit \(sixteenBit); "
            + "then 2x-1 -> [-1,1]; resize \(inputWidth)x\(inputHeight) bilinear half-pixel (images), "
            + "nearest (masks); foreground = label > 0"
    }

    /// The rule for an image of `bitDepth` bits.
    public func rule(forBitDepth bitDepth: Int) -> IntensityRule { bitDepth == 8 ? eightBit : sixteenBit }

    /// Steps 2-3 for one sample: the intensity rule's range mapped to [0, 1] (clipped), then to
    /// [-1, 1]. The one place the arithmetic is written: training, evaluation, prediction
    /// (whole images and tiles), export samples and figures all apply it.
    public struct IntensityMapping: Sendable, Equatable {
        /// The sample value that maps to -1.
        public var low: Double
        /// 1 / (high - low), or 0 for a flat range (everything maps to -1).
        public var scale: Double

        public init(range: (low: Double, high: Double)) {
            low = range.low
            scale = range.high > range.low ? 1 / (range.high - range.low) : 0
        }

        @inline(__always)
        public func callAsFunction(_ value: UInt16) -> Float {
            Float(min(max((Double(value) - low) * scale, 0), 1) * 2 - 1)
        }
    }

    /// The mapping of this spec for `image` (its intensity range, per bit depth and rule).
    public func intensityMapping(for image: PixelImage) -> IntensityMapping {
        IntensityMapping(range: intensityRange(of: image))
    }

    /// Steps 1-3 at native resolution, in [-1, 1]: three channels (gray copied), or with
    /// `keepingGray` one channel for a gray image (the same values at a third of the memory).
    /// Used for training images and crops, tiled prediction, export samples and figures.
    public func normalize(_ image: PixelImage, keepingGray: Bool = false) -> FloatImage {
        let mapping = intensityMapping(for: image)
        let colorChannels = image.colorChannels, channels = image.channels
        let outputChannels = keepingGray ? colorChannels : 3
        let pixelCount = image.width * image.height
        var pixels = [Float](repeating: 0, count: pixelCount * outputChannels)
        image.samples.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { target in
                for pixel in 0..<pixelCount {
                    for c in 0..<outputChannels {
                        target[pixel * outputChannels + c] = mapping(source[pixel * channels + (colorChannels == 1 ? 0 : c)])
                    }
                }
            }
        }
        return FloatImage(width: image.width, height: image.height, channels: outputChannels, samples: pixels)
    }

    /// Steps 1-4: the network input (`inputWidth` x `inputHeight` x 3, in [-1, 1]).
    public func prepareImage(_ image: PixelImage) -> FloatImage {
        Resize.bilinear(normalize(image), width: inputWidth, height: inputHeight)
    }

    /// Step 4 for masks: instance labels resized by nearest neighbour.
    public func prepareLabels(_ labels: LabelImage) -> LabelImage {
        Resize.nearest(labels, width: inputWidth, height: inputHeight)
    }

    /// The sample values that map to 0 and 1 for this image under this spec.
    public func intensityRange(of image: PixelImage) -> (low: Double, high: Double) {
        switch rule(forBitDepth: image.bitDepth) {
        case .fullRange:
            return (0, Double(image.maximumValue))
        case .percentiles:
            return intensityRange(histogram: Self.histogram(of: image), bitDepth: image.bitDepth)
        }
    }

    /// The sample values that map to 0 and 1 for an image of `bitDepth` bits whose colour
    /// samples have this `histogram` (65536 bins): the same rule as `intensityRange(of:)`, for
    /// images read piece by piece (streaming prediction counts the histogram block by block).
    public func intensityRange(histogram: [Int], bitDepth: Int) -> (low: Double, high: Double) {
        switch rule(forBitDepth: bitDepth) {
        case .fullRange:
            return (0, Double(bitDepth == 8 ? 255 : 65535))
        case let .percentiles(lowPercent, highPercent):
            var low = Self.percentile(lowPercent, histogram: histogram)
            var high = Self.percentile(highPercent, histogram: histogram)
            if high <= low {
                high = Double(histogram.lastIndex { $0 > 0 } ?? 0)
                if high <= low { low = high }
            }
            return (low, high)
        }
    }

    /// Histogram of the colour samples (alpha excluded), one bin per value 0...65535.
    public static func histogram(of image: PixelImage) -> [Int] {
        var histogram = [Int](repeating: 0, count: 65536)
        let channels = image.channels, colorChannels = image.colorChannels
        for pixel in 0..<(image.width * image.height) {
            for c in 0..<colorChannels { histogram[Int(image.samples[pixel * channels + c])] += 1 }
        }
        return histogram
    }

    /// The `percent` percentile with linear interpolation between the order statistics at
    /// ranks floor(q) and ceil(q), q = percent / 100 * (n - 1) (NumPy's `linear` method).
    public static func percentile(_ percent: Double, histogram: [Int]) -> Double {
        Histogram(counts: histogram).percentile(percent)
    }
}
