/// Which neighbours of a pixel belong to the same object.
///
/// Nuclei use ``eight`` by default: a thresholded nucleus often hangs together through a
/// diagonal step on its rim, and `skimage.measure.label` (the labelling behind the DSB2018
/// kernels and StarDist's evaluation) uses full connectivity in 2-D too. Touching nuclei are the
/// job of the watershed split, not of a stricter connectivity.
public enum Connectivity: String, Codable, CaseIterable, Sendable {
    /// Left, right, up, down.
    case four
    /// The four edge neighbours and the four diagonal ones.
    case eight
}

/// Connected-component labelling of binary masks (small-object removal and hole filling are in
/// NucleiAnalysis, `ConnectedComponents+Cleanup.swift`).
public enum ConnectedComponents {
    /// Labels the connected components of a binary mask.
    ///
    /// Two passes with union-find (Rosenfeld and Pfaltz): the first gives each pixel that has no
    /// earlier foreground neighbour a provisional label and records equivalences; each set is
    /// rooted at its smallest provisional label, which belongs to the component's first pixel in
    /// raster order, so numbering the roots in order gives labels 1...n in raster order of first
    /// pixel.
    ///
    /// - Parameters:
    ///   - mask: row-major foreground flags, `width * height` of them.
    ///   - connectivity: neighbourhood; ``Connectivity/eight`` unless told.
    /// - Complexity: O(pixels * α(pixels)).
    public static func label(
        _ mask: [Bool], width: Int, height: Int, connectivity: Connectivity = .eight
    ) -> LabelImage {
        precondition(mask.count == width * height, "label: \(mask.count) pixels for a \(width)x\(height) mask")
        var labels = [Int32](repeating: 0, count: mask.count)
        var parent: [Int32] = [0]  // parent[0] is unused; provisional labels start at 1
        func root(_ label: Int32) -> Int32 {
            var current = label
            while parent[Int(current)] != current { current = parent[Int(current)] }
            var walker = label  // path compression
            while parent[Int(walker)] != current {
                let next = parent[Int(walker)]
                parent[Int(walker)] = current
                walker = next
            }
            return current
        }
        func unite(_ first: Int32, _ second: Int32) -> Int32 {
            let firstRoot = root(first), secondRoot = root(second)
            if firstRoot < secondRoot {
                parent[Int(secondRoot)] = firstRoot
                return firstRoot
            }
            parent[Int(firstRoot)] = secondRoot
            return secondRoot
        }
        let diagonal = connectivity == .eight
        mask.withUnsafeBufferPointer { mask in
            for y in 0..<height {
                let row = y * width
                for x in 0..<width where mask[row + x] {
                    // Earlier neighbours in raster order: west, and north-west, north, north-east.
                    var current: Int32 = 0
                    func join(_ neighbour: Int32) {
                        guard neighbour != 0 else { return }
                        current = current == 0 ? neighbour : (current == neighbour ? current : unite(current, neighbour))
                    }
                    if x > 0 { join(labels[row + x - 1]) }
                    if y > 0 {
                        let above = row - width + x
                        join(labels[above])
                        if diagonal {
                            if x > 0 { join(labels[above - 1]) }
                            if x + 1 < width { join(labels[above + 1]) }
                        }
                    }
                    if current == 0 {
                        current = Int32(parent.count)
                        parent.append(current)
                    }
                    labels[row + x] = current
                }
            }
        }
        // Final numbers in order of provisional label, i.e. raster order of first pixel.
        var final = [Int32](repeating: 0, count: parent.count)
        var next: Int32 = 0
        for provisional in 1..<Int32(parent.count) {
            let rootLabel = root(provisional)
            if rootLabel == provisional {
                next += 1
                final[Int(provisional)] = next
            } else {
                final[Int(provisional)] = final[Int(rootLabel)]
            }
        }
        for index in labels.indices where labels[index] != 0 { labels[index] = final[Int(labels[index])] }
        let result = LabelImage(width: width, height: height, labels: labels)
        checkInvariants(result, mask: mask, connectivity: connectivity)
        return result
    }

    /// Labels a mask given as bytes; any non-zero byte is foreground.
    public static func label(
        _ mask: [UInt8], width: Int, height: Int, connectivity: Connectivity = .eight
    ) -> LabelImage {
        label(mask.map { $0 != 0 }, width: width, height: height, connectivity: connectivity)
    }
}
