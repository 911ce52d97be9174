/// A grid of labelled image panels: column titles on top, optional row labels on the left,
/// an optional caption under each panel (e.g. columns "image", "ground truth", "prediction",
/// one row per test image).
///
/// Every panel gets the same `panelSize x panelSize` square; the picture is scaled (nearest
/// neighbour, aspect ratio kept) to fit and centred on black.
public struct Montage: Sendable {
    /// What one cell of the grid shows.
    public struct Panel: Sendable {
        enum Content: Sendable {
            case empty
            case image(RasterImage)
            case mask([Bool], width: Int, height: Int, color: RGBColor)
            case labels(LabelImage, seed: UInt64)
            case overlay(RasterImage, mask: [Bool], color: RGBColor, alpha: Double)
            case outlines(RasterImage, labels: LabelImage, color: RGBColor?, seed: UInt64)
        }

        let content: Content
        /// Text under the panel (e.g. "IoU 0.83"); empty for none.
        public var caption: String

        init(_ content: Content, caption: String) {
            self.content = content
            self.caption = caption
        }

        /// An empty (black) panel.
        public static func empty(caption: String = "") -> Panel {
            Panel(.empty, caption: caption)
        }

        /// A gray or RGB image as it is (see ``RasterImage/stretchedForDisplay(lowPercentile:highPercentile:)``
        /// for dim fluorescence images).
        public static func image(_ image: RasterImage, caption: String = "") -> Panel {
            Panel(.image(image), caption: caption)
        }

        /// A binary mask: non-zero pixels in `color` (default white) on black.
        public static func mask<Value: BinaryInteger>(
            _ mask: [Value], width: Int, height: Int, color: RGBColor = .white, caption: String = ""
        ) -> Panel {
            precondition(mask.count == width * height, "Montage.Panel.mask: \(mask.count) values for \(width)x\(height)")
            return Panel(.mask(mask.map { $0 != 0 }, width: width, height: height, color: color), caption: caption)
        }

        /// Instance labels: each label in its own ``RGBColor/instance(label:seed:)`` colour, 0 black.
        public static func labels(_ labels: LabelImage, seed: UInt64 = 0, caption: String = "") -> Panel {
            Panel(.labels(labels, seed: seed), caption: caption)
        }

        /// `image` with the non-zero pixels of `mask` (same size) tinted in `color`.
        public static func overlay<Value: BinaryInteger>(
            _ image: RasterImage, mask: [Value], color: RGBColor = RGBColor(hex: 0x00E5FF), alpha: Double = 0.4,
            caption: String = ""
        ) -> Panel {
            precondition(mask.count == image.width * image.height,
                         "Montage.Panel.overlay: \(mask.count) mask values for a \(image.width)x\(image.height) image")
            return Panel(.overlay(image, mask: mask.map { $0 != 0 }, color: color, alpha: alpha), caption: caption)
        }

        /// `image` with the outline of every labelled object (labels the same size as the image),
        /// in `color`, or in per-instance colours when `color` is `nil`.
        public static func outlines(
            _ image: RasterImage, labels: LabelImage, color: RGBColor? = nil, seed: UInt64 = 0, caption: String = ""
        ) -> Panel {
            precondition(labels.width == image.width && labels.height == image.height,
                         "Montage.Panel.outlines: \(labels.sizeDescription) labels for a \(image.sizeDescription) image")
            return Panel(.outlines(image, labels: labels, color: color, seed: seed), caption: caption)
        }

        var sourceSize: (width: Int, height: Int) {
            switch content {
            case .empty: return (1, 1)
            case .image(let image), .overlay(let image, _, _, _), .outlines(let image, _, _, _):
                return (image.width, image.height)
            case .mask(_, let width, let height, _):
                return (width, height)
            case .labels(let labels, _):
                return (labels.width, labels.height)
            }
        }
    }

    public var title: String
    public var columnTitles: [String]
    /// One label per row (drawn left of the row), or empty for none.
    public var rowLabels: [String]
    /// `rows[r][c]`; every row must have `columnTitles.count` panels.
    public var rows: [[Panel]]
    public var panelSize: Int
    public var textScale: Int

    public static let margin = 12
    public static let spacing = 8

    public init(
        title: String = "", columnTitles: [String], rowLabels: [String] = [], rows: [[Panel]],
        panelSize: Int = 192, textScale: Int = 2
    ) {
        self.title = title
        self.columnTitles = columnTitles
        self.rowLabels = rowLabels
        self.rows = rows
        self.panelSize = max(1, panelSize)
        self.textScale = max(1, textScale)
    }

    private var lineHeight: Int { BitmapFont.lineHeight(scale: textScale) }
    private var titleHeight: Int {
        title.isEmpty ? 0 : BitmapFont.lineHeight(scale: textScale + 1) + Self.spacing
    }
    private var headerHeight: Int { lineHeight + Self.spacing }
    private var captionHeight: Int {
        rows.contains { $0.contains { !$0.caption.isEmpty } } ? lineHeight + Self.spacing / 2 : 0
    }
    private var rowLabelWidth: Int {
        guard let widest = rowLabels.map({ BitmapFont.textWidth($0, scale: textScale) }).max(), widest > 0 else { return 0 }
        return widest + Self.spacing
    }

    /// Width and height of the rendered montage:
    /// width = 2·margin + rowLabelWidth + columns·panelSize + (columns − 1)·spacing;
    /// height = 2·margin + titleHeight + headerHeight + rows·(panelSize + captionHeight) + (rows − 1)·spacing.
    public var size: (width: Int, height: Int) {
        let columns = columnTitles.count, rowCount = rows.count
        let width = 2 * Self.margin + rowLabelWidth + columns * panelSize + max(0, columns - 1) * Self.spacing
        let height = 2 * Self.margin + titleHeight + headerHeight
            + rowCount * (panelSize + captionHeight) + max(0, rowCount - 1) * Self.spacing
        return (width, height)
    }

    /// The square that panel `(row, column)` occupies on the rendered canvas.
    public func panelRect(row: Int, column: Int) -> CanvasRect {
        CanvasRect(
            x: Self.margin + rowLabelWidth + column * (panelSize + Self.spacing),
            y: Self.margin + titleHeight + headerHeight + row * (panelSize + captionHeight + Self.spacing),
            width: panelSize, height: panelSize)
    }

    /// The largest rectangle of the source's aspect ratio centred in `square`.
    static func fitted(width: Int, height: Int, in square: CanvasRect) -> CanvasRect {
        guard width > 0, height > 0 else { return square }
        let side = square.width
        let fittedWidth = width >= height ? side : max(1, (side * width + height / 2) / height)
        let fittedHeight = height >= width ? side : max(1, (side * height + width / 2) / width)
        return CanvasRect(x: square.x + (side - fittedWidth) / 2, y: square.y + (side - fittedHeight) / 2,
                          width: fittedWidth, height: fittedHeight)
    }

    /// Draws the grid on a new white canvas of ``size``.
    /// - Complexity: O(output pixels + input pixels of the label and mask panels).
    public func render() -> RGBCanvas {
        for (index, row) in rows.enumerated() {
            precondition(row.count == columnTitles.count,
                         "Montage: row \(index) has \(row.count) panels for \(columnTitles.count) columns")
        }
        let (width, height) = size
        var canvas = RGBCanvas(width: width, height: height)
        if !title.isEmpty {
            canvas.drawText(title, x: Self.margin + rowLabelWidth, y: Self.margin, scale: textScale + 1)
        }
        for (column, heading) in columnTitles.enumerated() {
            let rect = panelRect(row: 0, column: column)
            canvas.drawText(heading, x: rect.x + rect.width / 2, y: rect.y - headerHeight, scale: textScale, alignment: .center)
        }
        for (rowIndex, row) in rows.enumerated() {
            if rowIndex < rowLabels.count {
                let rect = panelRect(row: rowIndex, column: 0)
                canvas.drawText(rowLabels[rowIndex], x: rect.x - Self.spacing,
                                y: rect.y + (rect.height - BitmapFont.capHeight * textScale) / 2,
                                scale: textScale, alignment: .right)
            }
            for (column, panel) in row.enumerated() {
                let square = panelRect(row: rowIndex, column: column)
                canvas.fillRectangle(square, color: .black)
                let source = panel.sourceSize
                draw(panel, in: Self.fitted(width: source.width, height: source.height, in: square), on: &canvas)
                if !panel.caption.isEmpty {
                    canvas.drawText(panel.caption, x: square.x + square.width / 2, y: square.maxY + Self.spacing / 2,
                                    scale: textScale, alignment: .center)
                }
            }
        }
        return canvas
    }

    private func draw(_ panel: Panel, in rect: CanvasRect, on canvas: inout RGBCanvas) {
        switch panel.content {
        case .empty:
            break
        case .image(let image):
            canvas.drawImage(image, in: rect)
        case .mask(let mask, let width, let height, let color):
            canvas.overlay(mask: mask, width: width, height: height, in: rect, color: color, alpha: 1)
        case .labels(let labels, let seed):
            var colours: [Int32: RGBColor] = [:]
            canvas.forEachScaledPixel(sourceWidth: labels.width, sourceHeight: labels.height, in: rect) { canvas, x, y, source in
                let label = labels.labels[source]
                guard label != 0 else { return }
                let color = colours[label] ?? {
                    let fresh = RGBColor.instance(label: label, seed: seed)
                    colours[label] = fresh
                    return fresh
                }()
                canvas.plot(x: x, y: y, color: color)
            }
        case .overlay(let image, let mask, let color, let alpha):
            canvas.drawImage(image, in: rect)
            canvas.overlay(mask: mask, width: image.width, height: image.height, in: rect, color: color, alpha: alpha)
        case .outlines(let image, let labels, let color, let seed):
            canvas.drawImage(image, in: rect)
            // Two-pixel outlines stay visible on a textured image once panels are larger than ~100 px.
            canvas.drawOutlines(labels, in: rect, color: color, seed: seed, thickness: rect.width >= 100 ? 2 : 1)
        }
    }
}
