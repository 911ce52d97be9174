/// Turns raw images into network inputs without a full-resolution float RGB copy.
enum NetworkInput {
    /// The normalised image at native resolution with 1 channel for gray images (3 for colour),
    /// in [-1, 1]: the same values `NormalizationSpec.normalize` gives, at a third of the memory.
    static func normalizedPlanes(_ image: PixelImage, normalization: NormalizationSpec) -> FloatImage {
        let (low, high) = normalization.intensityRange(of: image)
        let scale = high > low ? 1 / (high - low) : 0
        let planes = image.colorChannels
        var pixels = [Float](repeating: 0, count: image.width * image.height * planes)
        for pixel in 0..<(image.width * image.height) {
            for c in 0..<planes {
                let value = Double(image.samples[pixel * image.channels + c])
                pixels[pixel * planes + c] = Float(min(max((value - low) * scale, 0), 1) * 2 - 1)
            }
        }
        return FloatImage(width: image.width, height: image.height, channels: planes, samples: pixels)
    }

    /// Gray copied to three channels (colour images pass unchanged).
    static func threeChannels(_ image: FloatImage) -> FloatImage {
        guard image.channels == 1 else { return image }
        var pixels = [Float](repeating: 0, count: image.samples.count * 3)
        for (index, value) in image.samples.enumerated() {
            pixels[3 * index] = value
            pixels[3 * index + 1] = value
            pixels[3 * index + 2] = value
        }
        return FloatImage(width: image.width, height: image.height, channels: 3, samples: pixels)
    }

    /// A `size` x `size` x 3 tile whose top-left corner is (x, y), normalised with the whole
    /// image's intensity `range`; positions past the border are mirrored (symmetric, edge pixel
    /// not repeated) so the network sees plausible context instead of a black frame.
    static func tile(_ image: PixelImage, x: Int, y: Int, size: Int, range: (low: Double, high: Double)) -> [Float] {
        let scale = range.high > range.low ? 1 / (range.high - range.low) : 0
        let colour = image.colorChannels == 3
        var pixels = [Float](repeating: 0, count: size * size * 3)
        for row in 0..<size {
            let sourceY = BorderMirror.index(y + row, length: image.height)
            for column in 0..<size {
                let sourceX = BorderMirror.index(x + column, length: image.width)
                let source = (sourceY * image.width + sourceX) * image.channels
                let target = (row * size + column) * 3
                for c in 0..<3 {
                    let value = Double(image.samples[source + (colour ? c : 0)])
                    pixels[target + c] = Float(min(max((value - range.low) * scale, 0), 1) * 2 - 1)
                }
            }
        }
        return pixels
    }
}
