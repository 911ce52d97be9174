extension RGBCanvas {
    /// For each of `destination` output positions, the nearest-neighbour source index
    /// (`floor((i + 0.5) * source / destination)`, i.e. pixel centres aligned).
    static func nearestIndices(source: Int, destination: Int) -> [Int] {
        (0 ..< max(destination, 0)).map { min(source - 1, ((2 * $0 + 1) * source) / (2 * destination)) }
    }

    /// Draws `image` scaled (nearest neighbour) to fill `rect` exactly.
    /// - Complexity: O(pixels of `rect`).
    public mutating func drawImage(_ image: RasterImage, in rect: CanvasRect) {
        guard image.width > 0, image.height > 0, !rect.isEmpty else { return }
        let columns = Self.nearestIndices(source: image.width, destination: rect.width)
        let rows = Self.nearestIndices(source: image.height, destination: rect.height)
        let visible = rect.intersection(bounds)
        guard !visible.isEmpty else { return }
        let channels = image.channels, canvasWidth = width
        image.samples.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { target in
                for y in visible.y ..< visible.maxY {
                    let sourceRow = rows[y - rect.y] * image.width
                    var index = (y * canvasWidth + visible.x) * 3
                    for x in visible.x ..< visible.maxX {
                        let s = (sourceRow + columns[x - rect.x]) * channels
                        if channels == 1 {
                            target[index] = source[s]; target[index + 1] = source[s]; target[index + 2] = source[s]
                        } else {
                            target[index] = source[s]; target[index + 1] = source[s + 1]; target[index + 2] = source[s + 2]
                        }
                        index += 3
                    }
                }
            }
        }
    }

    /// Draws a gray image (`width * height` bytes) scaled to fill `rect`.
    public mutating func drawGrayImage(_ gray: [UInt8], width: Int, height: Int, in rect: CanvasRect) {
        drawImage(RasterImage(gray: gray, width: width, height: height), in: rect)
    }

    /// Draws an RGB image (`width * height * 3` interleaved bytes) scaled to fill `rect`.
    public mutating func drawRGBImage(_ rgb: [UInt8], width: Int, height: Int, in rect: CanvasRect) {
        drawImage(RasterImage(rgb: rgb, width: width, height: height), in: rect)
    }

    /// Calls `body(x, y, sourceIndex)` for every canvas pixel of `rect` (clipped) with the index
    /// of the nearest source pixel of a `sourceWidth x sourceHeight` map.
    mutating func forEachScaledPixel(
        sourceWidth: Int, sourceHeight: Int, in rect: CanvasRect, _ body: (inout RGBCanvas, Int, Int, Int) -> Void
    ) {
        guard sourceWidth > 0, sourceHeight > 0, !rect.isEmpty else { return }
        let columns = Self.nearestIndices(source: sourceWidth, destination: rect.width)
        let rows = Self.nearestIndices(source: sourceHeight, destination: rect.height)
        let visible = rect.intersection(bounds)
        guard !visible.isEmpty else { return }
        for y in visible.y ..< visible.maxY {
            let sourceRow = rows[y - rect.y] * sourceWidth
            for x in visible.x ..< visible.maxX {
                body(&self, x, y, sourceRow + columns[x - rect.x])
            }
        }
    }

    /// Tints the pixels of `rect` where the (nearest-scaled) `mask` is true: the result is
    /// `(1 - alpha) * pixel + alpha * color`.
    /// - Parameter mask: `width * height` flags, row-major.
    public mutating func overlay(
        mask: [Bool], width maskWidth: Int, height maskHeight: Int, in rect: CanvasRect,
        color: RGBColor, alpha: Double = 0.45
    ) {
        precondition(mask.count == maskWidth * maskHeight, "overlay: \(mask.count) flags for \(maskWidth)x\(maskHeight)")
        forEachScaledPixel(sourceWidth: maskWidth, sourceHeight: maskHeight, in: rect) { canvas, x, y, source in
            if mask[source] { canvas.blend(x: x, y: y, color: color, alpha: alpha) }
        }
    }

    /// Paints `color` where the (nearest-scaled) `boundary` map is true.
    /// - Parameter boundary: `width * height` flags, row-major, e.g. from ``boundaryMap(_:thickness:)``.
    public mutating func drawOutline(
        boundary: [Bool], width mapWidth: Int, height mapHeight: Int, in rect: CanvasRect, color: RGBColor
    ) {
        precondition(boundary.count == mapWidth * mapHeight, "drawOutline: \(boundary.count) flags for \(mapWidth)x\(mapHeight)")
        forEachScaledPixel(sourceWidth: mapWidth, sourceHeight: mapHeight, in: rect) { canvas, x, y, source in
            if boundary[source] { canvas.plot(x: x, y: y, color: color) }
        }
    }

    /// Outlines each labelled object of `labels` inside `rect`, one pixel wide at the *drawn*
    /// size: the labels are first resampled to `rect`, then the boundary is found there, so
    /// outlines neither vanish when an image is shrunk nor thicken when it is enlarged.
    /// - Parameters:
    ///   - labels: instance labels, 0 = background.
    ///   - color: one colour for all outlines, or `nil` for ``RGBColor/instance(label:seed:)`` colours.
    ///   - thickness: outline width in pixels, drawn inside each object.
    public mutating func drawOutlines(
        _ labels: LabelImage, in rect: CanvasRect, color: RGBColor? = nil, seed: UInt64 = 0, thickness: Int = 1
    ) {
        guard labels.width > 0, labels.height > 0, !rect.isEmpty else { return }
        let columns = Self.nearestIndices(source: labels.width, destination: rect.width)
        let rows = Self.nearestIndices(source: labels.height, destination: rect.height)
        var resampled = LabelImage(width: rect.width, height: rect.height)
        for y in 0 ..< rect.height {
            for x in 0 ..< rect.width { resampled.labels[y * rect.width + x] = labels.labels[rows[y] * labels.width + columns[x]] }
        }
        let boundary = Self.boundaryMap(resampled, thickness: thickness)
        var colours: [Int32: RGBColor] = [:]
        for y in 0 ..< rect.height {
            for x in 0 ..< rect.width where boundary[y * rect.width + x] {
                let label = resampled.labels[y * rect.width + x]
                let paint = color ?? colours[label] ?? {
                    let fresh = RGBColor.instance(label: label, seed: seed)
                    colours[label] = fresh
                    return fresh
                }()
                plot(x: rect.x + x, y: rect.y + y, color: paint)
            }
        }
    }

    /// The inner boundary of labelled objects: a pixel with a non-zero label that has, within
    /// `thickness` steps left, right, up or down, a different label or the image's edge.
    /// With `thickness` 1 these are the pixels with a 4-neighbour outside their object.
    /// - Complexity: O(pixels x thickness).
    public static func boundaryMap(_ image: LabelImage, thickness: Int = 1) -> [Bool] {
        let labels = image.labels, width = image.width, height = image.height
        let reach = max(1, thickness)
        var boundary = [Bool](repeating: false, count: labels.count)
        for y in 0 ..< height {
            for x in 0 ..< width {
                let index = y * width + x
                let label = labels[index]
                if label == 0 { continue }
                if x < reach || y < reach || x >= width - reach || y >= height - reach {
                    boundary[index] = true
                    continue
                }
                for step in 1 ... reach {
                    if labels[index - step] != label || labels[index + step] != label
                        || labels[index - step * width] != label || labels[index + step * width] != label {
                        boundary[index] = true
                        break
                    }
                }
            }
        }
        return boundary
    }
}
