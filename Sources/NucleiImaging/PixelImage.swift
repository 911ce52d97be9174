/// A decoded image at native resolution: interleaved samples, row-major.
///
/// Layout HWC: `samples[(y * width + x) * channels + c]`. Channels are 1 (gray), 2 (gray +
/// alpha), 3 (RGB) or 4 (RGBA). Samples are stored as `UInt16` whatever the bit depth, so
/// 8-bit images hold 0...255 and 16-bit images 0...65535; `bitDepth` says which.
public struct PixelImage: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var channels: Int
    /// 8 or 16.
    public var bitDepth: Int
    public var samples: [UInt16]

    public init(width: Int, height: Int, channels: Int, bitDepth: Int, samples: [UInt16]) {
        precondition(width > 0 && height > 0, "PixelImage needs a positive size, got \(width)x\(height)")
        precondition((1...4).contains(channels), "PixelImage channels must be 1...4, got \(channels)")
        precondition(bitDepth == 8 || bitDepth == 16, "PixelImage bit depth must be 8 or 16, got \(bitDepth)")
        precondition(samples.count == width * height * channels,
                     "PixelImage \(width)x\(height)x\(channels) needs \(width * height * channels) samples, got \(samples.count)")
        self.width = width
        self.height = height
        self.channels = channels
        self.bitDepth = bitDepth
        self.samples = samples
    }

    /// The largest sample value of this bit depth (255 or 65535).
    public var maximumValue: Int { bitDepth == 8 ? 255 : 65535 }

    /// Whether the last channel is alpha (gray + alpha or RGBA).
    public var hasAlpha: Bool { channels == 2 || channels == 4 }

    /// Number of colour channels (alpha excluded): 1 or 3.
    public var colorChannels: Int { channels >= 3 ? 3 : 1 }

    /// The sample at (x, y, channel).
    @inlinable
    public subscript(x: Int, y: Int, channel: Int) -> UInt16 {
        samples[(y * width + x) * channels + channel]
    }

    /// Size as "WIDTHxHEIGHT", the way messages and reports print it.
    public var sizeDescription: String { "\(width)x\(height)" }

    /// A short human description, e.g. "512x512 gray 16-bit".
    public var formatDescription: String {
        let names = [1: "gray", 2: "gray+alpha", 3: "RGB", 4: "RGBA"]
        return "\(sizeDescription) \(names[channels] ?? "\(channels)-channel") \(bitDepth)-bit"
    }
}
