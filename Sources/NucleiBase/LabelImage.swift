/// An instance-label image: 0 is background, every other value one nucleus.
///
/// Layout HW, row-major: `labels[y * width + x]`. One type for files, training and metrics:
/// instance labels are kept for evaluation (instance metrics need them); training uses
/// `foreground` (label > 0 -> class 1). Reading one from a mask file, and writing one as a
/// 16-bit PNG, are in NucleiImaging (`LabelImage+Files.swift`); connected components of a mask
/// are `ConnectedComponents.label`.
public struct LabelImage: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var labels: [Int32]

    public init(width: Int, height: Int, labels: [Int32]) {
        precondition(labels.count == width * height,
                     "LabelImage \(width)x\(height) needs \(width * height) labels, got \(labels.count)")
        self.width = width
        self.height = height
        self.labels = labels
    }

    /// An all-background image.
    public init(width: Int, height: Int) {
        self.init(width: width, height: height, labels: [Int32](repeating: 0, count: width * height))
    }

    /// Size as "WIDTHxHEIGHT".
    public var sizeDescription: String { "\(width)x\(height)" }

    /// Number of distinct non-zero labels (nuclei), whatever their numbering.
    public var instanceCount: Int {
        Set(labels.lazy.filter { $0 != 0 }).count
    }

    /// Equivalent diameter, 2 sqrt(area / pi) pixels, of each labelled nucleus (in no particular order):
    /// the nucleus size `train` records and `--diameter auto` measures.
    public var equivalentDiameters: [Double] {
        var areas: [Int32: Int] = [:]
        for label in labels where label != 0 { areas[label, default: 0] += 1 }
        return areas.values.map { 2 * (Double($0) / Double.pi).squareRoot() }
    }

    /// The median of `values` (the mean of the two middle ones for an even count); nil when empty.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted(), middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Foreground classes for training: 1 where label > 0 (nucleus), else 0 (background).
    public var foreground: [Int32] { labels.map { $0 > 0 ? 1 : 0 } }

    /// Merges one binary mask per nucleus (the `dsb2018` layout) into one label image: mask k
    /// (0-based) becomes label k + 1 where it is non-zero. Where masks overlap, the later mask
    /// wins; `overlappingPixels` counts such pixels so the caller can report them.
    public static func merging(binaryMasks: [LabelImage]) -> (labels: LabelImage, overlappingPixels: Int) {
        guard let first = binaryMasks.first else { preconditionFailure("merging needs at least one mask") }
        var merged = LabelImage(width: first.width, height: first.height)
        var overlapping = 0
        for (index, mask) in binaryMasks.enumerated() {
            precondition(mask.width == first.width && mask.height == first.height,
                         "mask \(index) is \(mask.sizeDescription), expected \(first.sizeDescription)")
            let label = Int32(index + 1)
            for pixel in mask.labels.indices where mask.labels[pixel] != 0 {
                if merged.labels[pixel] != 0 { overlapping += 1 }
                merged.labels[pixel] = label
            }
        }
        return (merged, overlapping)
    }

    /// The largest label; equal to the number of instances when labels are 1...n without gaps.
    ///
    /// - Complexity: O(width * height).
    public var maximumLabel: Int32 { labels.max() ?? 0 }

    /// The foreground (any non-zero label) as a binary mask.
    public var foregroundMask: [Bool] { labels.map { $0 != 0 } }

    /// The label at column `x`, row `y`.
    public subscript(x x: Int, y y: Int) -> Int32 {
        get { labels[y * width + x] }
        set { labels[y * width + x] = newValue }
    }
}
