import NucleiFigures
import Testing

private func pixel(_ point: (x: Double, y: Double)) -> (x: Int, y: Int) {
    (Int(point.x.rounded()), Int(point.y.rounded()))
}

@Test func dataMapsLinearlyOntoThePlotArea() {
    // y data 0 ... 0.93 plus a 2% margin above gives the nice range 0 ... 1; x spans 1 ... 2.
    let chart = LineChart(title: "loss", series: [.init(name: "train", values: [0.93, 0])], yLabel: "loss")
    let layout = chart.layout()
    let area = layout.plotArea
    #expect(layout.xRange == 1 ... 2)
    #expect(layout.yRange == 0 ... 1)
    let lowerLeft = layout.position(x: 1, y: 0)
    #expect(lowerLeft.x == Double(area.x) && lowerLeft.y == Double(area.maxY - 1))
    let upperRight = layout.position(x: 2, y: 1)
    #expect(upperRight.x == Double(area.maxX - 1) && upperRight.y == Double(area.y))
    let middle = layout.position(x: 1.5, y: 0.5)
    #expect(abs(middle.x - (Double(area.x) + Double(area.width - 1) / 2)) < 1e-9)
    #expect(abs(middle.y - (Double(area.y) + Double(area.height - 1) / 2)) < 1e-9)
    #expect(area.x > 0 && area.y > 0 && area.maxX < chart.width && area.maxY < chart.height)
}

@Test func seriesAreDrawnThroughTheirMappedPoints() {
    let train: [Double] = [0.8, 0.5, 0.3, 0.25, 0.2]
    let validation: [Double] = [0.9, 0.6, 0.45, 0.4, 0.42]
    let chart = LineChart(title: "Loss", series: [.init(name: "train loss", values: train),
                                                  .init(name: "val loss", values: validation)])
    let canvas = chart.render()
    #expect(canvas.width == 800 && canvas.height == 480)
    let layout = chart.layout()
    for (index, values) in [train, validation].enumerated() {
        for (epoch, value) in values.enumerated() {
            let at = pixel(layout.position(x: Double(epoch + 1), y: value))
            #expect(canvas[at.x, at.y] == chart.color(ofSeries: index), "series \(index) epoch \(epoch + 1)")
        }
    }
    // Halfway along the first train segment.
    let halfway = pixel(layout.position(x: 1.5, y: 0.65))
    #expect(canvas[halfway.x, halfway.y] == RGBColor.palette[0])
}

@Test func fixedYRangeIsKept() {
    let chart = LineChart(title: "accuracy", series: [.init(name: "val", values: [0.93, 0.95])], yRange: 0 ... 1)
    #expect(chart.layout().yRange == 0 ... 1)
}

@Test func nanBreaksTheLineAndIsolatedPointsBecomeDots() {
    let chart = LineChart(title: "gap", series: [.init(name: "val", values: [0.3, .nan, 0.3], color: red)])
    let canvas = chart.render()
    let layout = chart.layout()
    let first = pixel(layout.position(x: 1, y: 0.3)), last = pixel(layout.position(x: 3, y: 0.3))
    let between = pixel(layout.position(x: 2, y: 0.3))
    #expect(canvas[first.x, first.y] == red)
    #expect(canvas[last.x, last.y] == red)
    #expect(canvas[between.x, between.y] != red)
}

@Test func degenerateChartsRenderWithoutCrashing() {
    let cases: [[LineChart.Series]] = [
        [],
        [.init(name: "one epoch", values: [0.7])],
        [.init(name: "constant", values: [0.5, 0.5, 0.5])],
        [.init(name: "all NaN", values: [.nan, .nan])],
        [.init(name: "infinite", values: [0.4, .infinity, 0.2, -.infinity])],
        [.init(name: "empty", values: [])],
        [.init(name: "a", x: [3, 3], y: [1, 2])],
    ]
    for series in cases {
        let chart = LineChart(title: "t", series: series, width: 300, height: 200, textScale: 1)
        let canvas = chart.render()
        #expect(canvas.width == 300 && canvas.height == 200)
        #expect(chart.layout().yRange.upperBound > chart.layout().yRange.lowerBound)
        #expect(chart.layout().xRange.upperBound > chart.layout().xRange.lowerBound)
    }
    let single = LineChart(title: "", series: [.init(name: "x", values: [0.7])], width: 300, height: 200)
    let at = pixel(single.layout().position(x: 1, y: 0.7))
    #expect(single.render()[at.x, at.y] == RGBColor.palette[0])
}

@Test func defaultColoursFollowThePalette() {
    let chart = LineChart(title: "", series: [.init(name: "a", values: [1]), .init(name: "b", values: [1], color: red)])
    #expect(chart.color(ofSeries: 0) == RGBColor.palette[0])
    #expect(chart.color(ofSeries: 1) == red)
}
