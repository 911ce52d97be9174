/// A raster image of 8-bit RGB pixels to draw figures on.
///
/// Layout: row-major, top row first, three interleaved bytes (red, green, blue) per pixel,
/// so `pixels[(y * width + x) * 3 + c]`; this is what a PNG encoder for RGB8 expects.
/// Coordinates: `x` grows to the right, `y` grows downwards; in the anti-aliased
/// primitives (`Double` coordinates) the point `(x, y)` is the *centre* of pixel `(x, y)`.
/// Every primitive clips to the canvas, so drawing partly outside is allowed.
public struct RGBCanvas: Hashable, Sendable {
    public let width: Int
    public let height: Int
    /// RGB bytes, `width * height * 3` of them.
    public internal(set) var pixels: [UInt8]

    /// A canvas filled with `background`.
    public init(width: Int, height: Int, background: RGBColor = .white) {
        precondition(width >= 0 && height >= 0, "RGBCanvas: negative size \(width)x\(height)")
        self.width = width
        self.height = height
        var bytes = [UInt8](repeating: 0, count: width * height * 3)
        for index in stride(from: 0, to: bytes.count, by: 3) {
            bytes[index] = background.red
            bytes[index + 1] = background.green
            bytes[index + 2] = background.blue
        }
        self.pixels = bytes
    }

    /// The canvas as the shared 8-bit raster (three channels, RGB), e.g. for the PNG encoder.
    public var raster: Raster<UInt8> { Raster(width: width, height: height, channels: 3, samples: pixels) }

    /// The whole canvas as a rectangle.
    public var bounds: CanvasRect { CanvasRect(x: 0, y: 0, width: width, height: height) }

    /// The pixel at column `x`, row `y` (both must be inside the canvas).
    public subscript(x: Int, y: Int) -> RGBColor {
        get {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "RGBCanvas: (\(x), \(y)) outside \(width)x\(height)")
            let index = (y * width + x) * 3
            return RGBColor(red: pixels[index], green: pixels[index + 1], blue: pixels[index + 2])
        }
        set {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "RGBCanvas: (\(x), \(y)) outside \(width)x\(height)")
            let index = (y * width + x) * 3
            pixels[index] = newValue.red
            pixels[index + 1] = newValue.green
            pixels[index + 2] = newValue.blue
        }
    }

    /// Sets pixel `(x, y)` if it is inside the canvas; does nothing otherwise.
    @inline(__always)
    public mutating func plot(x: Int, y: Int, color: RGBColor) {
        guard x >= 0 && x < width && y >= 0 && y < height else { return }
        let index = (y * width + x) * 3
        pixels[index] = color.red
        pixels[index + 1] = color.green
        pixels[index + 2] = color.blue
    }

    /// Mixes `color` into pixel `(x, y)` with opacity `alpha` (0...1); ignores pixels outside.
    @inline(__always)
    public mutating func blend(x: Int, y: Int, color: RGBColor, alpha: Double) {
        guard x >= 0 && x < width && y >= 0 && y < height, alpha > 0 else { return }
        if alpha >= 1 { return plot(x: x, y: y, color: color) }
        let index = (y * width + x) * 3
        let keep = 1 - alpha
        pixels[index] = UInt8((Double(pixels[index]) * keep + Double(color.red) * alpha).rounded())
        pixels[index + 1] = UInt8((Double(pixels[index + 1]) * keep + Double(color.green) * alpha).rounded())
        pixels[index + 2] = UInt8((Double(pixels[index + 2]) * keep + Double(color.blue) * alpha).rounded())
    }

    /// Paints the whole canvas with `color`.
    public mutating func fill(_ color: RGBColor) {
        fillRectangle(bounds, color: color)
    }

    /// Paints every pixel of `rect` (clipped to the canvas).
    /// - Complexity: O(pixels of `rect` inside the canvas).
    public mutating func fillRectangle(_ rect: CanvasRect, color: RGBColor) {
        let clipped = rect.intersection(bounds)
        guard !clipped.isEmpty else { return }
        let width = self.width
        pixels.withUnsafeMutableBufferPointer { bytes in
            for row in clipped.y ..< clipped.maxY {
                var index = (row * width + clipped.x) * 3
                for _ in 0 ..< clipped.width {
                    bytes[index] = color.red
                    bytes[index + 1] = color.green
                    bytes[index + 2] = color.blue
                    index += 3
                }
            }
        }
    }

    /// Paints a frame `thickness` pixels wide just inside `rect`.
    public mutating func strokeRectangle(_ rect: CanvasRect, color: RGBColor, thickness: Int = 1) {
        guard !rect.isEmpty, thickness > 0 else { return }
        let t = min(thickness, (min(rect.width, rect.height) + 1) / 2)
        fillRectangle(CanvasRect(x: rect.x, y: rect.y, width: rect.width, height: t), color: color)
        fillRectangle(CanvasRect(x: rect.x, y: rect.maxY - t, width: rect.width, height: t), color: color)
        fillRectangle(CanvasRect(x: rect.x, y: rect.y, width: t, height: rect.height), color: color)
        fillRectangle(CanvasRect(x: rect.maxX - t, y: rect.y, width: t, height: rect.height), color: color)
    }

    /// A one-pixel line from `(x0, y0)` to `(x1, y1)`, both ends included (Bresenham).
    /// - Complexity: O(max(|x1 - x0|, |y1 - y0|)).
    public mutating func drawLine(x0: Int, y0: Int, x1: Int, y1: Int, color: RGBColor) {
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let stepX = x0 < x1 ? 1 : -1, stepY = y0 < y1 ? 1 : -1
        var error = dx + dy
        var x = x0, y = y0
        while true {
            plot(x: x, y: y, color: color)
            if x == x1 && y == y1 { break }
            let doubled = 2 * error
            if doubled >= dy { error += dy; x += stepX }
            if doubled <= dx { error += dx; y += stepY }
        }
    }

    /// An anti-aliased line `lineWidth` pixels wide with round ends.
    public mutating func drawSmoothLine(
        from start: (x: Double, y: Double), to end: (x: Double, y: Double),
        color: RGBColor, lineWidth: Double = 1
    ) {
        strokePolyline([start, end], color: color, lineWidth: lineWidth)
    }

    /// An anti-aliased polyline `lineWidth` pixels wide with round joins and ends.
    ///
    /// Each pixel's coverage is `clamp(lineWidth / 2 + 0.5 - d, 0, 1)` with `d` the distance from
    /// its centre to the nearest segment, and every pixel is blended once, so joins do not
    /// darken where segments overlap. Segments are cut into short pieces so that only a thin
    /// band around the line is visited. Non-finite points are skipped.
    /// - Parameter clip: draw only inside this rectangle (default: the canvas).
    /// - Complexity: O(length x lineWidth) pixels visited.
    public mutating func strokePolyline(
        _ points: [(x: Double, y: Double)], color: RGBColor, lineWidth: Double = 1, clip: CanvasRect? = nil
    ) {
        let region = (clip ?? bounds).intersection(bounds)
        guard !region.isEmpty else { return }
        let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
        guard let first = finite.first else { return }
        let radius = max(lineWidth, 0) / 2
        let reach = radius + 0.5
        let pieceLength = max(4.0, 2 * reach)
        var coverage: [Int: Double] = [:]

        func cover(_ a: (x: Double, y: Double), _ b: (x: Double, y: Double)) {
            let dx = b.x - a.x, dy = b.y - a.y
            let lengthSquared = dx * dx + dy * dy
            let left = max(region.x, Int((min(a.x, b.x) - reach).rounded(.down)))
            let right = min(region.maxX - 1, Int((max(a.x, b.x) + reach).rounded(.up)))
            let top = max(region.y, Int((min(a.y, b.y) - reach).rounded(.down)))
            let bottom = min(region.maxY - 1, Int((max(a.y, b.y) + reach).rounded(.up)))
            guard left <= right, top <= bottom else { return }
            for py in top ... bottom {
                for px in left ... right {
                    let qx = Double(px) - a.x, qy = Double(py) - a.y
                    var t = lengthSquared > 0 ? (qx * dx + qy * dy) / lengthSquared : 0
                    t = min(max(t, 0), 1)
                    let ex = qx - t * dx, ey = qy - t * dy
                    let cov = min(1, reach - (ex * ex + ey * ey).squareRoot())
                    if cov > 0 {
                        let key = py * width + px
                        if cov > coverage[key, default: 0] { coverage[key] = cov }
                    }
                }
            }
        }

        if finite.count == 1 { cover(first, first) }
        for (a, b) in zip(finite, finite.dropFirst()) {
            let length = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
            let pieces = max(1, Int((length / pieceLength).rounded(.up)))
            for piece in 0 ..< pieces {
                let t0 = Double(piece) / Double(pieces), t1 = Double(piece + 1) / Double(pieces)
                cover((a.x + (b.x - a.x) * t0, a.y + (b.y - a.y) * t0), (a.x + (b.x - a.x) * t1, a.y + (b.y - a.y) * t1))
            }
        }
        for (key, cov) in coverage {
            blend(x: key % width, y: key / width, color: color, alpha: cov)
        }
    }

    /// An anti-aliased filled disc centred on `(centerX, centerY)`.
    /// - Complexity: O(radius²).
    public mutating func fillCircle(centerX: Double, centerY: Double, radius: Double, color: RGBColor, clip: CanvasRect? = nil) {
        let region = (clip ?? bounds).intersection(bounds)
        guard centerX.isFinite, centerY.isFinite, radius > 0, !region.isEmpty else { return }
        let reach = radius + 0.5
        let left = max(region.x, Int((centerX - reach).rounded(.down)))
        let right = min(region.maxX - 1, Int((centerX + reach).rounded(.up)))
        let top = max(region.y, Int((centerY - reach).rounded(.down)))
        let bottom = min(region.maxY - 1, Int((centerY + reach).rounded(.up)))
        guard left <= right, top <= bottom else { return }
        for py in top ... bottom {
            for px in left ... right {
                let dx = Double(px) - centerX, dy = Double(py) - centerY
                let cov = min(1, reach - (dx * dx + dy * dy).squareRoot())
                if cov > 0 { blend(x: px, y: py, color: color, alpha: cov) }
            }
        }
    }

    /// Copies `other` with its top-left corner at `(x, y)`, clipped to this canvas.
    public mutating func draw(_ other: RGBCanvas, x: Int, y: Int) {
        let target = CanvasRect(x: x, y: y, width: other.width, height: other.height).intersection(bounds)
        guard !target.isEmpty else { return }
        for row in target.y ..< target.maxY {
            let source = ((row - y) * other.width + (target.x - x)) * 3
            let destination = (row * width + target.x) * 3
            pixels.replaceSubrange(destination ..< destination + target.width * 3,
                                   with: other.pixels[source ..< source + target.width * 3])
        }
    }
}
