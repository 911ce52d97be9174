/// What the network's output classes mean, and how training targets are made from instance
/// labels.
///
/// - `seed`: two classes, background and nucleus: the published pipeline (6,502,786 parameters).
/// - `contour`: three classes, background, nucleus interior and nucleus boundary. The boundary is
///   every nucleus pixel within `ContourTargets.boundaryWidth` pixels (chessboard distance) of a
///   pixel of another label: background or, where two nuclei touch, the other nucleus. Instances
///   are then the interior's connected components grown over the foreground (see
///   `InstanceExtraction.extract(maps:)`), so touching nuclei stay apart without a distance
///   heuristic. One more output filter than `seed`: 6,504,227 parameters
///   (`nucleiseg summary --head contour`), 1,441 more than the seed's 6,502,786.
public enum SegmentationHead: String, Codable, Sendable, CaseIterable {
    case seed
    case contour

    /// The class names, in output-channel order (stored in checkpoints as `classes`).
    public var classNames: [String] {
        switch self {
        case .seed: return ["background", "nucleus"]
        case .contour: return ["background", "interior", "boundary"]
        }
    }

    public var classCount: Int { classNames.count }

    /// The head whose class names these are; nil for any other list.
    public init?(classNames: [String]) {
        guard let head = Self.allCases.first(where: { $0.classNames == classNames }) else { return nil }
        self = head
    }

    /// Training targets (one class index per pixel, row-major) of one label image.
    public func classes(of labels: LabelImage) -> [Int32] {
        switch self {
        case .seed: return labels.foreground
        case .contour: return ContourTargets.classes(of: labels)
        }
    }

    /// Pixels of each class in `labels`.
    public func classCounts(of labels: LabelImage) -> [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        for value in classes(of: labels) { counts[Int(value)] += 1 }
        return counts
    }

    /// Loss weight of each class when none is given: `seed` weighs both classes alike (as
    /// published); `contour` weighs the boundary 3x. Measured with `nucleiseg data inspect`, the
    /// DSB2018 train folder is 86.7% background, 8.8% interior and 4.4% boundary, the nuclei
    /// samples 92.7 / 4.8 / 2.4%: the boundary is the rarest class and the one whose errors merge
    /// nuclei, so at 3x its pixels weigh about 1.5x the interior's in the loss.
    public var defaultClassWeights: [Float] {
        switch self {
        case .seed: return [1, 1]
        case .contour: return [1, 1, 3]
        }
    }
}

/// The three-class targets of the `contour` head.
public enum ContourTargets {
    /// Boundary width in pixels: a nucleus pixel is boundary when a pixel of another label lies
    /// within this chessboard distance. 2 px leaves a 4-pixel gap between the interiors of
    /// touching nuclei, which survives the network's stride-2 output layer.
    public static let boundaryWidth = 2

    /// 0 background, 1 interior, 2 boundary. Pixels outside the image do not count as another
    /// label (a nucleus cut by the image or crop edge is not given a boundary there). A nucleus
    /// too thin to keep an interior at the full width gets a narrower boundary (down to none),
    /// so that every nucleus has at least one interior pixel to seed its instance.
    public static func classes(of image: LabelImage, boundaryWidth: Int = boundaryWidth) -> [Int32] {
        let width = image.width, height = image.height
        let labels = image.labels
        let cap = boundaryWidth + 1
        // depth: chessboard distance (capped at `cap`) to the nearest pixel of another label.
        var depth = [Int](repeating: cap, count: labels.count)
        var frontier: [Int] = []
        for y in 0..<height {
            for x in 0..<width {
                let index = y * width + x
                let label = labels[index]
                guard label != 0 else { depth[index] = 0; continue }
                var edge = false
                for dy in -1...1 where !edge {
                    let ny = y + dy
                    guard ny >= 0 && ny < height else { continue }
                    for dx in -1...1 {
                        let nx = x + dx
                        guard nx >= 0 && nx < width, labels[ny * width + nx] != label else { continue }
                        edge = true
                        break
                    }
                }
                if edge {
                    depth[index] = 1
                    frontier.append(index)
                }
            }
        }
        var level = 1
        while !frontier.isEmpty && level + 1 < cap {
            var next: [Int] = []
            for index in frontier {
                let x = index % width, y = index / width, label = labels[index]
                for dy in -1...1 {
                    let ny = y + dy
                    guard ny >= 0 && ny < height else { continue }
                    for dx in -1...1 {
                        let nx = x + dx
                        guard nx >= 0 && nx < width else { continue }
                        let neighbour = ny * width + nx
                        if labels[neighbour] == label && depth[neighbour] > level + 1 {
                            depth[neighbour] = level + 1
                            next.append(neighbour)
                        }
                    }
                }
            }
            frontier = next
            level += 1
        }
        // The deepest pixel of each nucleus sets how wide its boundary may be.
        var deepest: [Int32: Int] = [:]
        for (index, label) in labels.enumerated() where label != 0 {
            deepest[label] = max(deepest[label] ?? 0, depth[index])
        }
        var classes = [Int32](repeating: 0, count: labels.count)
        for (index, label) in labels.enumerated() where label != 0 {
            let allowed = min(boundaryWidth, deepest[label]! - 1)
            classes[index] = depth[index] > allowed ? 1 : 2
        }
        return classes
    }
}
