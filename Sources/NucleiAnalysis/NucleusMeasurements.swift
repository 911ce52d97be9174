/// What a biologist reads off one nucleus.
///
/// Coordinates are pixel indices (x = column, y = row) with a pixel's centre at its index, as in
/// scikit-image's `regionprops` (with x and y named instead of row and column).
public struct NucleusMeasurement: Equatable, Codable, Sendable {
    /// The instance label.
    public var label: Int32
    /// Pixels in the nucleus.
    public var area: Int
    /// Mean column of its pixels.
    public var centroidX: Double
    /// Mean row of its pixels.
    public var centroidY: Double
    /// Smallest box holding it.
    public var boundingBox: BoundingBox
    /// Mean of the intensity image over its pixels; `nil` when no intensity image was given.
    public var meanIntensity: Double?
    /// Crack perimeter: the number of pixel edges between the nucleus and anything else
    /// (including the image edge). Overestimates a smooth outline's length, by 4/π for a disc.
    public var perimeter: Int

    /// Fields given directly.
    public init(
        label: Int32, area: Int, centroidX: Double, centroidY: Double, boundingBox: BoundingBox,
        meanIntensity: Double?, perimeter: Int
    ) {
        self.label = label
        self.area = area
        self.centroidX = centroidX
        self.centroidY = centroidY
        self.boundingBox = boundingBox
        self.meanIntensity = meanIntensity
        self.perimeter = perimeter
    }
}

/// Per-nucleus measurements of a label image.
public enum NucleusMeasurements {
    /// Measures every label present, in increasing label order.
    ///
    /// - Parameters:
    ///   - labels: the instances.
    ///   - intensity: an optional row-major image of the same size (one channel) to average.
    /// - Complexity: O(pixels + maximum label).
    public static func measure(_ labels: LabelImage, intensity: [Float]? = nil) -> [NucleusMeasurement] {
        let width = labels.width, height = labels.height
        if let intensity {
            precondition(
                intensity.count == width * height,
                "measure: \(intensity.count) intensities for a \(width)x\(height) label image")
        }
        let count = Int(labels.maximumLabel) + 1
        var area = [Int](repeating: 0, count: count)
        var sumX = area, sumY = area, perimeter = area
        var minimumX = [Int](repeating: Int.max, count: count), minimumY = minimumX
        var maximumX = [Int](repeating: Int.min, count: count), maximumY = maximumX
        var sumIntensity = [Double](repeating: 0, count: count)
        for y in 0..<height {
            for x in 0..<width {
                let index = y * width + x
                let label = Int(labels.labels[index])
                guard label != 0 else { continue }
                area[label] += 1
                sumX[label] += x
                sumY[label] += y
                minimumX[label] = min(minimumX[label], x)
                maximumX[label] = max(maximumX[label], x)
                minimumY[label] = min(minimumY[label], y)
                maximumY[label] = max(maximumY[label], y)
                if let intensity { sumIntensity[label] += Double(intensity[index]) }
                if x == 0 || labels.labels[index - 1] != Int32(label) { perimeter[label] += 1 }
                if x == width - 1 || labels.labels[index + 1] != Int32(label) { perimeter[label] += 1 }
                if y == 0 || labels.labels[index - width] != Int32(label) { perimeter[label] += 1 }
                if y == height - 1 || labels.labels[index + width] != Int32(label) { perimeter[label] += 1 }
            }
        }
        return (1..<count).filter { area[$0] > 0 }.map { label in
            let pixels = Double(area[label])
            return NucleusMeasurement(
                label: Int32(label), area: area[label],
                centroidX: Double(sumX[label]) / pixels, centroidY: Double(sumY[label]) / pixels,
                boundingBox: BoundingBox(
                    x: minimumX[label], y: minimumY[label],
                    width: maximumX[label] - minimumX[label] + 1, height: maximumY[label] - minimumY[label] + 1),
                meanIntensity: intensity == nil ? nil : sumIntensity[label] / pixels,
                perimeter: perimeter[label])
        }
    }
}
