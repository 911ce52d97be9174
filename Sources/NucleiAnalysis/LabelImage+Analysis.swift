@_exported import NucleiImaging

/// Analysis helpers on the instance-label image of `NucleiImaging` (one type for files,
/// training and metrics: `labels[y * width + x]`, 0 = background).
extension LabelImage {
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

    /// Wraps labels that a producer in this module already knows to be valid.
    init(uncheckedWidth width: Int, height: Int, labels: [Int32]) {
        self.init(width: width, height: height, labels: labels)
    }
}
