/// An image read a rectangle at a time: what streaming prediction predicts from.
public protocol ImageRegionSource: AnyObject {
    var width: Int { get }
    var height: Int { get }
    /// 8 or 16.
    var bitDepth: Int { get }
    /// Channels of the regions delivered (1 gray, 3 RGB).
    var channels: Int { get }
    /// The `width` x `height` rectangle whose top-left pixel is (x, y), inside the image.
    func read(x: Int, y: Int, width: Int, height: Int) throws -> PixelImage
}

extension TIFFRegionReader: ImageRegionSource {}

/// A decoded image as a region source (tests; any image small enough to decode whole).
public final class InMemoryRegionSource: ImageRegionSource {
    public let image: PixelImage
    public var width: Int { image.width }
    public var height: Int { image.height }
    public var bitDepth: Int { image.bitDepth }
    public var channels: Int { image.channels }

    public init(_ image: PixelImage) { self.image = image }

    public func read(x: Int, y: Int, width regionWidth: Int, height regionHeight: Int) -> PixelImage {
        precondition(x >= 0 && y >= 0 && x + regionWidth <= image.width && y + regionHeight <= image.height,
                     "region \(regionWidth)x\(regionHeight) at (\(x), \(y)) outside the \(image.width)x\(image.height) image")
        let c = image.channels
        var samples = [UInt16](repeating: 0, count: regionWidth * regionHeight * c)
        for row in 0..<regionHeight {
            let source = ((y + row) * image.width + x) * c
            samples.replaceSubrange((row * regionWidth * c)..<((row + 1) * regionWidth * c), with: image.samples[source..<(source + regionWidth * c)])
        }
        return PixelImage(width: regionWidth, height: regionHeight, channels: c, bitDepth: image.bitDepth, samples: samples)
    }
}
