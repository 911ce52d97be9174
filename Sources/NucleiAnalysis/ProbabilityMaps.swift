/// What a segmentation network says about each pixel of an image, at the image's resolution.
///
/// `foreground` is the probability that a pixel belongs to a nucleus (the seed's two-class head:
/// class 1; the contour head: interior + boundary). `interior` is present for the contour head
/// only: the probability that a pixel is a nucleus's interior, away from its boundary.
public struct ProbabilityMaps: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// Row-major, `width * height` values in 0...1.
    public var foreground: [Float]
    /// Row-major, `width * height` values in 0...1; nil for a two-class model.
    public var interior: [Float]?

    public init(width: Int, height: Int, foreground: [Float], interior: [Float]? = nil) {
        precondition(foreground.count == width * height && (interior?.count ?? width * height) == width * height,
                     "ProbabilityMaps \(width)x\(height): foreground \(foreground.count), interior \(interior?.count ?? 0) values")
        self.width = width
        self.height = height
        self.foreground = foreground
        self.interior = interior
    }

    /// The maps as interleaved channels (foreground, then interior when present).
    public var channels: Int { interior == nil ? 1 : 2 }

    /// Builds the maps from interleaved channels (1: foreground; 2: foreground, interior).
    public init(interleaved values: [Float], channels: Int, width: Int, height: Int) {
        precondition(channels == 1 || channels == 2, "ProbabilityMaps: \(channels) channels, expected 1 or 2")
        if channels == 1 {
            self.init(width: width, height: height, foreground: values)
        } else {
            let count = width * height
            var foreground = [Float](repeating: 0, count: count), interior = foreground
            for index in 0..<count {
                foreground[index] = values[2 * index]
                interior[index] = values[2 * index + 1]
            }
            self.init(width: width, height: height, foreground: foreground, interior: interior)
        }
    }

    /// The maps interleaved (foreground, interior) per pixel.
    public var interleaved: [Float] {
        guard let interior else { return foreground }
        var values = [Float](repeating: 0, count: 2 * foreground.count)
        for index in foreground.indices {
            values[2 * index] = foreground[index]
            values[2 * index + 1] = interior[index]
        }
        return values
    }
}
