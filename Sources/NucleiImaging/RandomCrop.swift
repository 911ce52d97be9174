import NucleiBase

/// Crops at native resolution, for training on images larger than the network input
/// (no resampling: nuclei keep their size in pixels, as in tiled prediction).
public struct RandomCrop: Sendable, Equatable {
    public var width: Int
    public var height: Int

    public init(width: Int = 128, height: Int = 128) {
        precondition(width > 0 && height > 0, "RandomCrop needs a positive size, got \(width)x\(height)")
        self.width = width
        self.height = height
    }

    /// A crop at a uniformly random position (seeded). An image smaller than the crop along an
    /// axis is placed at a random offset inside it, padded with -1 (black) and label 0.
    public func apply(image: FloatImage, labels: LabelImage, using generator: inout SeededGenerator) -> (image: FloatImage, labels: LabelImage) {
        precondition(image.width == labels.width && image.height == labels.height,
                     "RandomCrop: image \(image.width)x\(image.height) and labels \(labels.sizeDescription) differ")
        let x = generator.nextInt(below: abs(image.width - width) + 1) * (image.width >= width ? 1 : -1)
        let y = generator.nextInt(below: abs(image.height - height) + 1) * (image.height >= height ? 1 : -1)
        return Self.crop(image: image, labels: labels, x: x, y: y, width: width, height: height)
    }

    /// The `width` x `height` window whose top-left corner is (x, y) in the source (negative
    /// or past the edge is allowed: outside pixels are -1, outside labels 0).
    public static func crop(image: FloatImage, labels: LabelImage, x: Int, y: Int, width: Int, height: Int) -> (image: FloatImage, labels: LabelImage) {
        let channels = image.channels
        var pixels = [Float](repeating: -1, count: width * height * channels)
        var cropped = [Int32](repeating: 0, count: width * height)
        for row in 0..<height {
            let sourceY = y + row
            guard sourceY >= 0 && sourceY < image.height else { continue }
            for column in 0..<width {
                let sourceX = x + column
                guard sourceX >= 0 && sourceX < image.width else { continue }
                let source = sourceY * image.width + sourceX, target = row * width + column
                cropped[target] = labels.labels[source]
                for c in 0..<channels { pixels[target * channels + c] = image.samples[source * channels + c] }
            }
        }
        return (FloatImage(width: width, height: height, channels: channels, samples: pixels),
                LabelImage(width: width, height: height, labels: cropped))
    }
}
