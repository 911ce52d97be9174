import NucleiAnalysis
import NucleiBase

/// Parses a drawn mask: one string per row, "#" or any digit other than "0" is foreground.
func mask(_ rows: [String]) -> (mask: [Bool], width: Int, height: Int) {
    let width = rows.first?.count ?? 0
    precondition(rows.allSatisfy { $0.count == width }, "mask: rows of different lengths")
    return (rows.flatMap { $0.map { $0 != "." && $0 != "0" } }, width, rows.count)
}

/// Parses a drawn label image: one string per row, a digit per pixel ("." or "0" is background).
func labelImage(_ rows: [String]) -> LabelImage {
    let width = rows.first?.count ?? 0
    precondition(rows.allSatisfy { $0.count == width }, "labelImage: rows of different lengths")
    let labels = rows.flatMap { $0.map { Int32($0.wholeNumberValue ?? 0) } }
    return LabelImage(width: width, height: rows.count, labels: labels)
}

/// Sets to `value` the pixels whose centres lie in the ellipse with the given centre and semi-axes.
func drawEllipse(
    into labels: inout [Int32], width: Int, height: Int, centerX: Double, centerY: Double,
    semiAxisX: Double, semiAxisY: Double, value: Int32
) {
    let top = max(0, Int((centerY - semiAxisY).rounded(.down))), bottom = min(height - 1, Int((centerY + semiAxisY).rounded(.up)))
    let left = max(0, Int((centerX - semiAxisX).rounded(.down))), right = min(width - 1, Int((centerX + semiAxisX).rounded(.up)))
    guard top <= bottom && left <= right else { return }
    for y in top...bottom {
        for x in left...right {
            let dx = (Double(x) - centerX) / semiAxisX, dy = (Double(y) - centerY) / semiAxisY
            if dx * dx + dy * dy <= 1 { labels[y * width + x] = value }
        }
    }
}

/// Sets to `value` the pixels whose centres lie in the disc.
func drawDisc(
    into labels: inout [Int32], width: Int, height: Int, centerX: Double, centerY: Double, radius: Double, value: Int32
) {
    drawEllipse(
        into: &labels, width: width, height: height, centerX: centerX, centerY: centerY,
        semiAxisX: radius, semiAxisY: radius, value: value)
}
