// Expensive internal checks (STYLE convention 4), compiled only with
// `swift build -Xswiftc -DNUCLEISEG_INVARIANTS` (see CONTRIBUTING.md): each costs a full pass
// over the image, which the labelling itself does not need in a release build.

extension ConnectedComponents {
    /// Checks that `labels` is a correct labelling of `mask`: background exactly where the mask
    /// is off, neighbours (under `connectivity`) sharing a label, and labels 1...n numbered in
    /// raster order of each component's first pixel.
    ///
    /// A no-op unless compiled with `NUCLEISEG_INVARIANTS`.
    /// - Complexity: O(pixels) when enabled.
    @inline(__always)
    static func checkInvariants(_ labels: LabelImage, mask: [Bool], connectivity: Connectivity) {
        #if NUCLEISEG_INVARIANTS
        let width = labels.width, height = labels.height
        var nextExpected: Int32 = 1
        for y in 0..<height {
            for x in 0..<width {
                let index = y * width + x, label = labels.labels[index]
                precondition((label != 0) == mask[index], "labelling: pixel (\(x), \(y)) is \(label) but the mask is \(mask[index])")
                guard label != 0 else { continue }
                precondition(label <= nextExpected, "labelling: label \(label) first seen at (\(x), \(y)) before \(nextExpected)")
                if label == nextExpected { nextExpected += 1 }
                for (dx, dy) in [(1, 0), (0, 1), (1, 1), (-1, 1)] where connectivity == .eight || dx == 0 || dy == 0 {
                    let nx = x + dx, ny = y + dy
                    guard nx >= 0, nx < width, ny < height else { continue }
                    let neighbour = labels.labels[ny * width + nx]
                    precondition(neighbour == 0 || neighbour == label,
                                 "labelling: neighbours (\(x), \(y)) and (\(nx), \(ny)) hold \(label) and \(neighbour)")
                }
            }
        }
        #endif
    }
}
