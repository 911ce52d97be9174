/// A normalised image: 32-bit floats, HWC (height, width, channels), row-major (see `Raster`).
///
/// `samples[(y * width + x) * channels + c]`. After `NormalizationSpec.normalize` it has three
/// channels in [-1, 1], the MobileNetV2 input range.
public typealias FloatImage = Raster<Float>

extension Raster where Sample == Float {
    /// Maps [-1, 1] back to 8-bit for display (rounded, clipped), channel for channel: gray if
    /// one channel, else RGB.
    public func displayImage8Bit() -> Raster<UInt8> {
        let bytes = samples.map { value -> UInt8 in
            let scaled = ((value + 1) * 127.5).rounded()
            return UInt8(min(max(scaled, 0), 255))
        }
        return Raster<UInt8>(width: width, height: height, channels: channels, samples: bytes)
    }
}
