/// A normalised image: 32-bit floats, HWC (height, width, channels), row-major.
///
/// `pixels[(y * width + x) * channels + c]`. After `NormalizationSpec.normalize` it has three
/// channels in [-1, 1], the MobileNetV2 input range.
public struct FloatImage: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var channels: Int
    public var pixels: [Float]

    public init(width: Int, height: Int, channels: Int, pixels: [Float]) {
        precondition(pixels.count == width * height * channels,
                     "FloatImage \(width)x\(height)x\(channels) needs \(width * height * channels) values, got \(pixels.count)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// Maps [-1, 1] back to 8-bit for display (rounded, clipped): gray if one channel, else RGB.
    public func displayImage8Bit() -> PixelImage {
        let samples = pixels.map { value -> UInt16 in
            let scaled = ((value + 1) * 127.5).rounded()
            return UInt16(min(max(scaled, 0), 255))
        }
        return PixelImage(width: width, height: height, channels: channels, bitDepth: 8, samples: samples)
    }
}
