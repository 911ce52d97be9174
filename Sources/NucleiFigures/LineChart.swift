/// A line chart of named series over a shared x axis (e.g. train and validation loss per epoch).
///
/// Values that are NaN or infinite are skipped: the line breaks there, and a point with no
/// finite neighbour is drawn as a dot, so a one-epoch run still shows its value. The y axis
/// spans the data rounded outwards to ``NiceScale`` ticks; the x axis spans the data exactly,
/// with nice ticks inside it.
public struct LineChart: Sendable {
    /// One named curve.
    public struct Series: Sendable {
        public var name: String
        public var x: [Double]
        public var y: [Double]
        /// `nil`: the next colour of ``RGBColor/palette``.
        public var color: RGBColor?

        /// A curve of `values` at x = 1, 2, 3, ... (epochs as Keras counts them).
        public init(name: String, values: [Double], color: RGBColor? = nil) {
            self.init(name: name, x: values.indices.map { Double($0 + 1) }, y: values, color: color)
        }

        /// A curve through `(x[i], y[i])`; both arrays must have the same length.
        public init(name: String, x: [Double], y: [Double], color: RGBColor? = nil) {
            precondition(x.count == y.count, "LineChart.Series \"\(name)\": \(x.count) x values for \(y.count) y values")
            self.name = name
            self.x = x
            self.y = y
            self.color = color
        }
    }

    /// Where the parts of a chart go, and how data maps to pixels.
    public struct Layout: Sendable {
        /// The plotting area; data at the axis ends maps to its first and last pixel.
        public let plotArea: CanvasRect
        public let xScale: NiceScale
        public let yScale: NiceScale
        /// The x-axis range shown (the data's range, widened when it has zero width).
        public let xRange: ClosedRange<Double>
        /// The y-axis range shown (`yScale.lower ... yScale.upper`, or the fixed range).
        public let yRange: ClosedRange<Double>

        /// The pixel position (pixel centres at integers) of data point `(x, y)`:
        /// `xRange.lowerBound` maps to column `plotArea.x`, `xRange.upperBound` to
        /// `plotArea.maxX - 1`; `yRange.upperBound` to row `plotArea.y`, `yRange.lowerBound`
        /// to `plotArea.maxY - 1`.
        public func position(x: Double, y: Double) -> (x: Double, y: Double) {
            let xSpan = xRange.upperBound - xRange.lowerBound, ySpan = yRange.upperBound - yRange.lowerBound
            return (
                Double(plotArea.x) + (x - xRange.lowerBound) / xSpan * Double(plotArea.width - 1),
                Double(plotArea.y) + (yRange.upperBound - y) / ySpan * Double(plotArea.height - 1)
            )
        }
    }

    public var title: String
    public var series: [Series]
    public var xLabel: String
    public var yLabel: String
    public var width: Int
    public var height: Int
    /// Fixed y range (e.g. `0 ... 1` for accuracy); `nil` fits the data.
    public var yRange: ClosedRange<Double>?
    /// Use whole-number x ticks (epochs).
    public var integerX: Bool
    /// Pixel size of one font pixel for tick labels, legend and axis labels; the title uses one more.
    public var textScale: Int
    public var lineWidth: Double

    public init(
        title: String, series: [Series], xLabel: String = "epoch", yLabel: String = "",
        width: Int = 800, height: Int = 480, yRange: ClosedRange<Double>? = nil,
        integerX: Bool = true, textScale: Int = 2, lineWidth: Double = 2.5
    ) {
        self.title = title
        self.series = series
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.width = width
        self.height = height
        self.yRange = yRange
        self.integerX = integerX
        self.textScale = max(1, textScale)
        self.lineWidth = lineWidth
    }

    private var titleScale: Int { textScale + 1 }
    private static let margin = 16, gap = 8, tickLength = 5

    /// The colour series `index` is drawn in.
    public func color(ofSeries index: Int) -> RGBColor {
        series[index].color ?? RGBColor.palette[index % RGBColor.palette.count]
    }

    /// Axis ranges and plotting area for the current data and size.
    public func layout() -> Layout {
        var xs: [Double] = [], ys: [Double] = []
        for curve in series {
            for (x, y) in zip(curve.x, curve.y) where x.isFinite && y.isFinite {
                xs.append(x)
                ys.append(y)
            }
        }
        var xLow = xs.min() ?? 0, xHigh = xs.max() ?? 1
        if xHigh <= xLow { (xLow, xHigh) = (xLow - 1, xHigh + 1) }
        let xScale = NiceScale(min: xLow, max: xHigh, targetTickCount: 8, integerStep: integerX)
        let yScale: NiceScale
        let yShown: ClosedRange<Double>
        if let fixed = yRange, fixed.upperBound > fixed.lowerBound {
            yScale = NiceScale(min: fixed.lowerBound, max: fixed.upperBound, targetTickCount: 7)
            yShown = fixed
        } else {
            // A 2% margin keeps values that fall on a tick off the frame, without crossing zero
            // (a loss or accuracy axis should not start at -0.2).
            var low = ys.min() ?? 0, high = ys.max() ?? 1
            let pad = (high - low) * 0.02
            low = low >= 0 ? max(0, low - pad) : low - pad
            high = high <= 0 ? min(0, high + pad) : high + pad
            yScale = NiceScale(min: low, max: high, targetTickCount: 7)
            yShown = yScale.lower ... yScale.upper
        }

        let margin = Self.margin, gap = Self.gap
        let lineHeight = BitmapFont.lineHeight(scale: textScale)
        let tickLabelWidth = yScale.ticks.filter { yShown.contains($0) }
            .map { BitmapFont.textWidth(yScale.label($0), scale: textScale) }.max() ?? 0
        var left = margin + tickLabelWidth + gap + Self.tickLength
        if !yLabel.isEmpty { left += lineHeight + gap }
        var top = margin
        if !title.isEmpty { top += BitmapFont.lineHeight(scale: titleScale) + gap }
        if !series.isEmpty { top += lineHeight + gap + gap / 2 }
        let lastXLabel = BitmapFont.textWidth(xScale.label(xHigh), scale: textScale)
        let right = width - margin - max(lastXLabel / 2, gap)
        var bottom = height - margin - lineHeight - gap - Self.tickLength
        if !xLabel.isEmpty { bottom -= lineHeight + gap }
        let area = CanvasRect(x: left, y: top, width: max(2, right - left), height: max(2, bottom - top))
        return Layout(plotArea: area, xScale: xScale, yScale: yScale, xRange: xLow ... xHigh, yRange: yShown)
    }

    /// Draws the chart on a new white canvas of `width x height`.
    public func render() -> RGBCanvas {
        var canvas = RGBCanvas(width: width, height: height)
        let layout = layout()
        let area = layout.plotArea
        let lineHeight = BitmapFont.lineHeight(scale: textScale)
        let xTicks = layout.xScale.ticks.filter { layout.xRange.contains($0) }
        let yTicks = layout.yScale.ticks.filter { layout.yRange.contains($0) }

        // Grid, then the frame on top of it.
        for tick in yTicks {
            let row = Int(layout.position(x: layout.xRange.lowerBound, y: tick).y.rounded())
            canvas.fillRectangle(CanvasRect(x: area.x, y: row, width: area.width, height: 1), color: .gridGray)
        }
        for tick in xTicks {
            let column = Int(layout.position(x: tick, y: layout.yRange.lowerBound).x.rounded())
            canvas.fillRectangle(CanvasRect(x: column, y: area.y, width: 1, height: area.height), color: .gridGray)
        }
        let frame = CanvasRect(x: area.x - 1, y: area.y - 1, width: area.width + 2, height: area.height + 2)
        canvas.strokeRectangle(frame, color: .frameGray)

        // Ticks and their labels.
        for tick in yTicks {
            let row = Int(layout.position(x: layout.xRange.lowerBound, y: tick).y.rounded())
            canvas.fillRectangle(CanvasRect(x: frame.x - Self.tickLength, y: row, width: Self.tickLength, height: 1), color: .frameGray)
            canvas.drawText(layout.yScale.label(tick), x: frame.x - Self.tickLength - Self.gap / 2,
                            y: row - BitmapFont.capHeight * textScale / 2, scale: textScale, alignment: .right)
        }
        for tick in xTicks {
            let column = Int(layout.position(x: tick, y: layout.yRange.lowerBound).x.rounded())
            canvas.fillRectangle(CanvasRect(x: column, y: frame.maxY, width: 1, height: Self.tickLength), color: .frameGray)
            canvas.drawText(layout.xScale.label(tick), x: column, y: frame.maxY + Self.tickLength + Self.gap / 2,
                            scale: textScale, alignment: .center)
        }

        // Axis labels.
        if !xLabel.isEmpty {
            canvas.drawText(xLabel, x: area.x + area.width / 2, y: height - Self.margin - lineHeight,
                            scale: textScale, alignment: .center)
        }
        if !yLabel.isEmpty {
            canvas.drawText(yLabel, x: Self.margin, y: area.y + area.height / 2, scale: textScale,
                            alignment: .center, rotated: true)
        }

        // Curves, clipped to the plotting area plus a line width (so values on the axis ends
        // are not cut in half); isolated points become dots.
        let reach = Int(lineWidth.rounded(.up)) + 1
        let clip = CanvasRect(x: area.x - reach, y: area.y - reach, width: area.width + 2 * reach, height: area.height + 2 * reach)
        for (index, curve) in series.enumerated() {
            let color = color(ofSeries: index)
            var run: [(x: Double, y: Double)] = []
            func flush() {
                if run.count == 1 {
                    canvas.fillCircle(centerX: run[0].x, centerY: run[0].y, radius: lineWidth * 1.2, color: color, clip: clip)
                } else if run.count > 1 {
                    canvas.strokePolyline(run, color: color, lineWidth: lineWidth, clip: clip)
                }
                run.removeAll()
            }
            for (x, y) in zip(curve.x, curve.y) {
                if x.isFinite && y.isFinite {
                    run.append(layout.position(x: x, y: y))
                } else {
                    flush()
                }
            }
            flush()
        }

        // Legend: one centred row above the plot, so it never hides a curve.
        if !series.isEmpty {
            let sample = 28, spacing = 24
            let widths = series.map { sample + Self.gap + BitmapFont.textWidth($0.name, scale: textScale) }
            let total = widths.reduce(0, +) + spacing * (series.count - 1)
            var pen = area.x + (area.width - total) / 2
            let rowTop = area.y - Self.gap - Self.gap / 2 - lineHeight
            let middle = Double(rowTop + BitmapFont.capHeight * textScale / 2)
            for (index, curve) in series.enumerated() {
                canvas.drawSmoothLine(from: (Double(pen), middle), to: (Double(pen + sample), middle),
                                      color: color(ofSeries: index), lineWidth: lineWidth + 0.5)
                canvas.drawText(curve.name, x: pen + sample + Self.gap, y: rowTop, scale: textScale)
                pen += widths[index] + spacing
            }
        }
        if !title.isEmpty {
            canvas.drawText(title, x: width / 2, y: Self.margin, scale: titleScale, alignment: .center)
        }
        return canvas
    }
}
