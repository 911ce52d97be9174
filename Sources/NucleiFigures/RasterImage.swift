/// An 8-bit image to place on a canvas: gray (1 channel) or RGB (3 channels, interleaved), the
/// shared `Raster` of bytes.
///
/// Layout: row-major, top row first, `samples[(y * width + x) * channels + c]`.
public typealias RasterImage = Raster<UInt8>

extension Raster where Sample == UInt8 {
    /// A gray image; `pixels.count` must be `width * height`.
    public init(gray pixels: [UInt8], width: Int, height: Int) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height,
                     "RasterImage: \(pixels.count) gray bytes for \(width)x\(height)")
        self.init(width: width, height: height, channels: 1, samples: pixels)
    }

    /// An RGB image; `pixels.count` must be `width * height * 3`.
    public init(rgb pixels: [UInt8], width: Int, height: Int) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 3,
                     "RasterImage: \(pixels.count) RGB bytes for \(width)x\(height)x3")
        self.init(width: width, height: height, channels: 3, samples: pixels)
    }

    /// The colour of pixel `(x, y)`.
    public subscript(x: Int, y: Int) -> RGBColor {
        let index = (y * width + x) * channels
        if channels == 1 { return RGBColor(gray: samples[index]) }
        return RGBColor(red: samples[index], green: samples[index + 1], blue: samples[index + 2])
    }

    /// This image with its intensities stretched so that the `lowPercentile` maps to 0 and the
    /// `highPercentile` to 255 (one mapping for all channels, so hues keep their balance).
    ///
    /// Fluorescence images often use a small part of the 8-bit range: dim nuclei are invisible
    /// in a figure unless stretched. Percentiles rather than min/max so a few hot pixels do not
    /// decide the scale. A flat image is returned unchanged.
    /// - Complexity: O(pixels) (a 256-bin histogram).
    public func stretchedForDisplay(lowPercentile: Double = 0.5, highPercentile: Double = 99.5) -> Raster<UInt8> {
        guard !samples.isEmpty else { return self }
        var counts = [Int](repeating: 0, count: 256)
        for value in samples { counts[Int(value)] += 1 }
        let histogram = Histogram(counts: counts)
        let low = histogram.nearestRankPercentile(lowPercentile), high = histogram.nearestRankPercentile(highPercentile)
        guard high > low else { return self }
        let scale = 255 / Double(high - low)
        let table = (0 ..< 256).map { level in
            UInt8(min(max((Double(level - low) * scale).rounded(), 0), 255))
        }
        let mapped = samples.map { table[Int($0)] }
        return channels == 1
            ? RasterImage(gray: mapped, width: width, height: height)
            : RasterImage(rgb: mapped, width: width, height: height)
    }
}
