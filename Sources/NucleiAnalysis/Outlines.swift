/// Outlines of instances, for drawing over an image.
///
/// A boundary pixel is a pixel of label L (non-zero) with a 4-neighbour of a different label.
/// The outside of the image counts as background, so a nucleus cut by the image edge still gets
/// a closed outline. Outlines lie inside their nuclei ("inner" boundaries), so two touching
/// nuclei keep separate, differently coloured outlines.
public enum Outlines {
    /// The label image restricted to boundary pixels (0 elsewhere).
    ///
    /// - Complexity: O(pixels).
    public static func boundaries(of image: LabelImage) -> LabelImage {
        let width = image.width, height = image.height
        var outline = [Int32](repeating: 0, count: image.labels.count)
        image.labels.withUnsafeBufferPointer { labels in
            for y in 0..<height {
                for x in 0..<width {
                    let index = y * width + x
                    let label = labels[index]
                    guard label != 0 else { continue }
                    if x == 0 || x == width - 1 || y == 0 || y == height - 1
                        || labels[index - 1] != label || labels[index + 1] != label
                        || labels[index - width] != label || labels[index + width] != label
                    {
                        outline[index] = label
                    }
                }
            }
        }
        return LabelImage(width: width, height: height, labels: outline)
    }

    /// Boundary pixels of all instances as a mask.
    public static func boundaryMask(of image: LabelImage) -> [Bool] {
        boundaries(of: image).labels.map { $0 != 0 }
    }
}
