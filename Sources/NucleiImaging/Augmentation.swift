import NucleiBase

/// Flips of HWC images and HW labels, and the seeded `RandomFlip` augmentation of the Keras
/// reference (`RandomFlip("horizontal_and_vertical")`), applied identically to image and mask.
public enum Flip {
    /// Mirrors left-right.
    public static func horizontal(_ image: FloatImage) -> FloatImage {
        FloatImage(width: image.width, height: image.height, channels: image.channels,
                   samples: flipped(image.samples, width: image.width, height: image.height, channels: image.channels, horizontal: true))
    }

    /// Mirrors top-bottom.
    public static func vertical(_ image: FloatImage) -> FloatImage {
        FloatImage(width: image.width, height: image.height, channels: image.channels,
                   samples: flipped(image.samples, width: image.width, height: image.height, channels: image.channels, horizontal: false))
    }

    public static func horizontal(_ labels: LabelImage) -> LabelImage {
        LabelImage(width: labels.width, height: labels.height,
                   labels: flipped(labels.labels, width: labels.width, height: labels.height, channels: 1, horizontal: true))
    }

    public static func vertical(_ labels: LabelImage) -> LabelImage {
        LabelImage(width: labels.width, height: labels.height,
                   labels: flipped(labels.labels, width: labels.width, height: labels.height, channels: 1, horizontal: false))
    }

    static func flipped<Element>(_ values: [Element], width: Int, height: Int, channels: Int, horizontal: Bool) -> [Element] {
        var output = values
        for y in 0..<height {
            for x in 0..<width {
                let sourceX = horizontal ? width - 1 - x : x
                let sourceY = horizontal ? y : height - 1 - y
                let target = (y * width + x) * channels, source = (sourceY * width + sourceX) * channels
                for c in 0..<channels { output[target + c] = values[source + c] }
            }
        }
        return output
    }
}

/// Random horizontal and vertical flips, each with probability 1/2, drawn from a seeded
/// generator and applied to the image and its labels together.
public struct RandomFlip: Sendable, Equatable {
    public var horizontal: Bool
    public var vertical: Bool

    public init(horizontal: Bool = true, vertical: Bool = true) {
        self.horizontal = horizontal
        self.vertical = vertical
    }

    /// Flips `image` and `labels` identically. Always draws two coin flips (horizontal,
    /// then vertical) so the random stream does not depend on the configuration.
    /// - Returns: which flips were applied.
    @discardableResult
    public func apply(image: inout FloatImage, labels: inout LabelImage, using generator: inout SeededGenerator)
        -> (horizontal: Bool, vertical: Bool) {
        precondition(image.width == labels.width && image.height == labels.height,
                     "RandomFlip: image \(image.width)x\(image.height) and labels \(labels.sizeDescription) differ")
        let flipHorizontal = generator.nextBool() && horizontal
        let flipVertical = generator.nextBool() && vertical
        if flipHorizontal {
            image = Flip.horizontal(image)
            labels = Flip.horizontal(labels)
        }
        if flipVertical {
            image = Flip.vertical(image)
            labels = Flip.vertical(labels)
        }
        return (flipHorizontal, flipVertical)
    }
}
