/// Exact Euclidean distance transform of a binary mask.
///
/// Felzenszwalb and Huttenlocher, "Distance Transforms of Sampled Functions" (Theory of
/// Computing 8, 2012): the squared distance separates into a pass down the columns and a pass
/// along the rows, where the row pass takes the lower envelope of parabolas `(x - q)² + f(q)`.
/// Both passes here sweep whole rows, so memory is read in order.
///
/// Convention: each foreground pixel gets its distance to the nearest background pixel, and the
/// outside of the image counts as background. A nucleus cut by the image edge therefore keeps a
/// single peak inside the image instead of a ridge along the edge, which the watershed would
/// split. Background pixels get 0.
public enum DistanceTransform {
    /// Squared Euclidean distances, exact integers.
    ///
    /// - Precondition: `mask.count == width * height`, both sides below 32,768.
    /// - Complexity: O(pixels).
    public static func squaredEuclidean(_ mask: [Bool], width: Int, height: Int) -> [Int32] {
        precondition(mask.count == width * height, "squaredEuclidean: \(mask.count) pixels for a \(width)x\(height) mask")
        precondition(width < 32_768 && height < 32_768, "squaredEuclidean: \(width)x\(height) overflows Int32 distances")
        var result = [Int32](repeating: 0, count: mask.count)
        guard width > 0 && height > 0 else { return result }
        // Column pass: vertical distance to the nearest background pixel, rows -1 and height
        // being background. Downward sweep, then upward.
        result.withUnsafeMutableBufferPointer { vertical in
            mask.withUnsafeBufferPointer { mask in
                for x in 0..<width { vertical[x] = mask[x] ? 1 : 0 }
                for y in 1..<max(height, 1) {
                    let row = y * width
                    for x in 0..<width { vertical[row + x] = mask[row + x] ? vertical[row - width + x] + 1 : 0 }
                }
                let lastRow = (height - 1) * width
                for x in 0..<width { vertical[lastRow + x] = min(vertical[lastRow + x], 1) }
                var y = height - 2
                while y >= 0 {
                    let row = y * width
                    for x in 0..<width { vertical[row + x] = min(vertical[row + x], vertical[row + width + x] + 1) }
                    y -= 1
                }
            }
            // Row pass: lower envelope of parabolas over positions -1...width; the two ends are
            // the background outside the image (f = 0).
            let count = width + 2
            var squared = [Int](repeating: 0, count: count)  // f at position index - 1
            var vertices = [Int](repeating: 0, count: count)  // positions (index space) of envelope parabolas
            var boundaries = [Double](repeating: 0, count: count + 1)
            for y in 0..<height {
                let row = y * width
                squared[0] = 0
                squared[count - 1] = 0
                for x in 0..<width {
                    let distance = Int(vertical[row + x])
                    squared[x + 1] = distance * distance
                }
                lowerEnvelope(squared, count: count, vertices: &vertices, boundaries: &boundaries) { index, value in
                    if index >= 1 && index <= width { vertical[row + index - 1] = Int32(value) }
                }
            }
        }
        return result
    }

    /// Euclidean distances.
    ///
    /// - Complexity: O(pixels).
    public static func euclidean(_ mask: [Bool], width: Int, height: Int) -> [Float] {
        squaredEuclidean(mask, width: width, height: height).map { Float($0).squareRoot() }
    }

    /// One-dimensional squared distance transform of sampled function `f`: for every `q`,
    /// `min over p of (q - p)² + f(p)`, reported through `write(q, value)`.
    @inline(__always)
    private static func lowerEnvelope(
        _ function: [Int], count: Int, vertices: inout [Int], boundaries: inout [Double],
        write: (Int, Int) -> Void
    ) {
        function.withUnsafeBufferPointer { function in
            vertices.withUnsafeMutableBufferPointer { vertices in
                boundaries.withUnsafeMutableBufferPointer { boundaries in
                    func intersection(_ first: Int, _ second: Int) -> Double {
                        // Where the parabolas rooted at `first` < `second` cross.
                        Double((function[second] + second * second) - (function[first] + first * first))
                            / Double(2 * (second - first))
                    }
                    var last = 0
                    vertices[0] = 0
                    boundaries[0] = -.infinity
                    boundaries[1] = .infinity
                    for position in 1..<count {
                        var crossing = intersection(vertices[last], position)
                        while crossing <= boundaries[last] {
                            last -= 1
                            crossing = intersection(vertices[last], position)
                        }
                        last += 1
                        vertices[last] = position
                        boundaries[last] = crossing
                        boundaries[last + 1] = .infinity
                    }
                    var segment = 0
                    for position in 0..<count {
                        while boundaries[segment + 1] < Double(position) { segment += 1 }
                        let offset = position - vertices[segment]
                        write(position, offset * offset + function[vertices[segment]])
                    }
                }
            }
        }
    }
}
