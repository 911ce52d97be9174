/// An instance-label image: one `Int32` per pixel, row-major (height rows of width pixels),
/// 0 for background and a positive label for each instance.
///
/// Every producer in this module numbers instances 1...`instanceCount` in raster order of each
/// instance's first pixel, so that two runs on the same input give the same image. Images read
/// from files (ground truth) may have gaps in their labels; consumers here accept any
/// non-negative labels.
public struct LabelImage: Equatable, Sendable {
    /// Number of columns.
    public var width: Int
    /// Number of rows.
    public var height: Int
    /// Row-major labels; `labels[y * width + x]` is the pixel in row `y`, column `x`.
    public var labels: [Int32]

    /// Wraps row-major labels.
    ///
    /// - Precondition: `labels.count == width * height` and no label is negative.
    public init(width: Int, height: Int, labels: [Int32]) {
        precondition(width >= 0 && height >= 0, "LabelImage: negative size \(width)x\(height)")
        precondition(
            labels.count == width * height,
            "LabelImage: \(labels.count) labels for a \(width)x\(height) image")
        precondition(labels.allSatisfy { $0 >= 0 }, "LabelImage: negative label")
        self.width = width
        self.height = height
        self.labels = labels
    }

    /// An all-background image.
    public init(width: Int, height: Int) {
        self.init(width: width, height: height, labels: [Int32](repeating: 0, count: width * height))
    }

    /// The largest label; equal to the number of instances when labels are 1...n without gaps.
    ///
    /// - Complexity: O(width * height).
    public var maximumLabel: Int32 { labels.max() ?? 0 }

    /// The number of distinct non-zero labels.
    ///
    /// - Complexity: O(width * height + maximumLabel).
    public var instanceCount: Int {
        let maximum = Int(maximumLabel)
        guard maximum > 0 else { return 0 }
        var seen = [Bool](repeating: false, count: maximum + 1)
        for label in labels { seen[Int(label)] = true }
        return seen[1...].reduce(0) { $0 + ($1 ? 1 : 0) }
    }

    /// The foreground (any non-zero label) as a binary mask.
    public var foregroundMask: [Bool] { labels.map { $0 != 0 } }

    /// The label at column `x`, row `y`.
    public subscript(x x: Int, y y: Int) -> Int32 {
        get { labels[y * width + x] }
        set { labels[y * width + x] = newValue }
    }
}

extension LabelImage {
    /// Wraps labels that a producer in this module already knows to be valid.
    init(uncheckedWidth width: Int, height: Int, labels: [Int32]) {
        self.width = width
        self.height = height
        self.labels = labels
    }
}
