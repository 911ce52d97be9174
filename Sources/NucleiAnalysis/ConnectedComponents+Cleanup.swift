/// Small-object removal, renumbering and hole filling on labelled masks.
extension ConnectedComponents {
    /// Removes instances smaller than `minimumArea` pixels and renumbers the rest 1...n in raster
    /// order of first pixel.
    ///
    /// - Complexity: O(pixels + maximum label).
    public static func removingSmallObjects(_ image: LabelImage, minimumArea: Int) -> LabelImage {
        let maximum = Int(image.maximumLabel)
        var areas = [Int](repeating: 0, count: maximum + 1)
        for label in image.labels { areas[Int(label)] += 1 }
        var keep = areas.map { $0 >= minimumArea }
        keep[0] = false
        var labels = image.labels
        for index in labels.indices where !keep[Int(labels[index])] { labels[index] = 0 }
        return relabelledInRasterOrder(LabelImage(width: image.width, height: image.height, labels: labels))
    }

    /// Renumbers the instances 1...n in raster order of each one's first pixel, closing gaps.
    ///
    /// - Complexity: O(pixels + maximum label).
    public static func relabelledInRasterOrder(_ image: LabelImage) -> LabelImage {
        var mapping = [Int32](repeating: -1, count: Int(image.maximumLabel) + 1)
        mapping[0] = 0
        var next: Int32 = 0
        var labels = image.labels
        for index in labels.indices {
            let old = Int(labels[index])
            if mapping[old] < 0 {
                next += 1
                mapping[old] = next
            }
            labels[index] = mapping[old]
        }
        return LabelImage(width: image.width, height: image.height, labels: labels)
    }

    /// Fills holes: background regions that cannot reach the image border.
    ///
    /// The background is traced with the connectivity dual to the foreground's (four for an
    /// eight-connected foreground), so that a diagonal gap in an eight-connected rim does not
    /// let the inside leak out.
    ///
    /// - Parameter connectivity: the foreground's connectivity.
    /// - Complexity: O(pixels).
    public static func fillingHoles(
        _ mask: [Bool], width: Int, height: Int, connectivity: Connectivity = .eight
    ) -> [Bool] {
        precondition(mask.count == width * height, "fillingHoles: \(mask.count) pixels for a \(width)x\(height) mask")
        // Flood the background from the border; whatever background is not reached is a hole.
        var reached = [Bool](repeating: false, count: mask.count)
        var stack: [Int] = []
        func visit(_ index: Int) {
            if !mask[index] && !reached[index] {
                reached[index] = true
                stack.append(index)
            }
        }
        for x in 0..<width {
            visit(x)
            visit((height - 1) * width + x)
        }
        for y in 0..<height {
            visit(y * width)
            visit(y * width + width - 1)
        }
        let backgroundDiagonal = connectivity == .four
        while let index = stack.popLast() {
            let x = index % width, y = index / width
            for dy in -1...1 {
                for dx in -1...1 where (dx != 0 || dy != 0) && (backgroundDiagonal || dx == 0 || dy == 0) {
                    let nx = x + dx, ny = y + dy
                    if nx >= 0 && nx < width && ny >= 0 && ny < height { visit(ny * width + nx) }
                }
            }
        }
        return reached.map { !$0 }
    }
}
