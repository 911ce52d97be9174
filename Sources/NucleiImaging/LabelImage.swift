/// An instance-label image: 0 is background, every other value one nucleus.
///
/// Layout HW, row-major: `labels[y * width + x]`. Instance labels are kept for evaluation
/// (instance metrics need them); training uses `foreground` (label > 0 -> class 1).
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

    /// Reads a decoded mask as instance labels.
    ///
    /// Gray and gray+alpha masks use the gray value (alpha ignored). RGB(A) masks are accepted
    /// only when R = G = B everywhere (a gray image saved as colour); anything else is ambiguous.
    /// - Throws: `ImagingError.unsupportedMask` naming `path`.
    public init(mask: PixelImage, path: String) throws(ImagingError) {
        let channels = mask.channels
        var labels = [Int32](repeating: 0, count: mask.width * mask.height)
        for index in labels.indices {
            let base = index * channels
            let value = mask.samples[base]
            if channels >= 3 && (mask.samples[base + 1] != value || mask.samples[base + 2] != value) {
                throw .unsupportedMask(path: path, detail: "colour mask (pixel \(index % mask.width),\(index / mask.width) has different R, G, B values)")
            }
            labels[index] = Int32(value)
        }
        self.init(width: mask.width, height: mask.height, labels: labels)
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

    /// Labels the 8-connected components of `label > 0` as 1...n in raster order of their
    /// first pixel. Turns a binary mask into instance labels (touching nuclei stay merged).
    /// - Complexity: O(width * height).
    public func connectedComponents() -> LabelImage {
        var output = [Int32](repeating: 0, count: labels.count)
        var next: Int32 = 0
        var stack: [Int] = []
        for start in labels.indices where labels[start] > 0 && output[start] == 0 {
            next += 1
            output[start] = next
            stack.append(start)
            while let index = stack.popLast() {
                let x = index % width, y = index / width
                for dy in -1...1 {
                    let ny = y + dy
                    guard ny >= 0 && ny < height else { continue }
                    for dx in -1...1 {
                        let nx = x + dx
                        guard nx >= 0 && nx < width else { continue }
                        let neighbour = ny * width + nx
                        if labels[neighbour] > 0 && output[neighbour] == 0 {
                            output[neighbour] = next
                            stack.append(neighbour)
                        }
                    }
                }
            }
        }
        return LabelImage(width: width, height: height, labels: output)
    }

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

    /// As a 16-bit gray image for PNG encoding. Labels above 65535 are a programmer error.
    public func pixelImage16() -> PixelImage {
        PixelImage(width: width, height: height, channels: 1, bitDepth: 16, samples: labels.map {
            precondition($0 >= 0 && $0 <= 65535, "label \($0) does not fit a 16-bit PNG")
            return UInt16($0)
        })
    }
}
