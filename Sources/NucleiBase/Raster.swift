/// A rectangular image of `Sample`s, interleaved and row-major: the one raster of the package.
///
/// Layout HWC (height, width, channels), top row first:
///
///     samples[(y * width + x) * channels + c]
///
///     row 0:  [c0 c1 c2][c0 c1 c2] ... width pixels
///     row 1:  [c0 c1 c2][c0 c1 c2] ...
///
/// `Raster<Float>` is a normalised network input (`FloatImage`), `Raster<UInt8>` an 8-bit gray
/// or RGB picture for figures (`RasterImage`). What the channels mean (gray, RGB, gray + alpha)
/// is the owner's convention; the raster only knows how many there are.
public struct Raster<Sample> {
    public var width: Int
    public var height: Int
    /// Samples per pixel.
    public var channels: Int
    /// `width * height * channels` samples, HWC.
    public var samples: [Sample]

    /// - Precondition: `samples.count == width * height * channels` (sizes non-negative).
    public init(width: Int, height: Int, channels: Int, samples: [Sample]) {
        precondition(width >= 0 && height >= 0 && channels > 0,
                     "Raster needs a non-negative size and at least one channel, got \(width)x\(height)x\(channels)")
        precondition(samples.count == width * height * channels,
                     "Raster \(width)x\(height)x\(channels) needs \(width * height * channels) samples, got \(samples.count)")
        self.width = width
        self.height = height
        self.channels = channels
        self.samples = samples
    }

    /// A raster with every sample `value`.
    public init(width: Int, height: Int, channels: Int, repeating value: Sample) {
        self.init(width: width, height: height, channels: channels,
                  samples: [Sample](repeating: value, count: max(0, width * height * channels)))
    }

    /// The sample at column `x`, row `y`, channel `channel`.
    @inlinable
    public subscript(x x: Int, y y: Int, channel channel: Int) -> Sample {
        get { samples[(y * width + x) * channels + channel] }
        set { samples[(y * width + x) * channels + channel] = newValue }
    }

    /// Size as "WIDTHxHEIGHT", the way messages and reports print it.
    public var sizeDescription: String { "\(width)x\(height)" }
}

extension Raster: Equatable where Sample: Equatable {}
extension Raster: Hashable where Sample: Hashable {}
extension Raster: Sendable where Sample: Sendable {}
