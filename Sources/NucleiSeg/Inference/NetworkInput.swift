/// Turns raw images into network inputs without a full-resolution float RGB copy.
enum NetworkInput {
    /// The normalised image at native resolution with 1 channel for gray images (3 for colour),
    /// in [-1, 1]: the same values `NormalizationSpec.normalize` gives, at a third of the memory.
    static func normalizedPlanes(_ image: PixelImage, normalization: NormalizationSpec) -> FloatImage {
        normalization.normalize(image, keepingGray: true)
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
        let mapping = NormalizationSpec.IntensityMapping(range: range)
        let colour = image.colorChannels == 3
        var pixels = [Float](repeating: 0, count: size * size * 3)
        for row in 0..<size {
            let sourceY = BorderMirror.index(y + row, length: image.height)
            for column in 0..<size {
                let sourceX = BorderMirror.index(x + column, length: image.width)
                let source = (sourceY * image.width + sourceX) * image.channels
                let target = (row * size + column) * 3
                for c in 0..<3 { pixels[target + c] = mapping(image.samples[source + (colour ? c : 0)]) }
            }
        }
        return pixels
    }
}
