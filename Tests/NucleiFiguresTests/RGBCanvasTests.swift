import NucleiFigures
import Testing

@Test func canvasStartsWithBackgroundAndUsesInterleavedRowMajorLayout() {
    var canvas = RGBCanvas(width: 3, height: 2, background: RGBColor(red: 1, green: 2, blue: 3))
    #expect(canvas.pixels.count == 18)
    #expect(canvas.pixels[0 ..< 3] == [1, 2, 3])
    canvas[2, 1] = RGBColor(red: 7, green: 8, blue: 9)
    #expect(canvas.pixels[((1 * 3) + 2) * 3 ..< ((1 * 3) + 2) * 3 + 3] == [7, 8, 9])
    #expect(canvas[2, 1] == RGBColor(red: 7, green: 8, blue: 9))
}

@Test func filledRectangleCoversExactlyItsPixels() {
    var canvas = RGBCanvas(width: 6, height: 5)
    canvas.fillRectangle(CanvasRect(x: 1, y: 1, width: 3, height: 2), color: red)
    expectInk(canvas, [
        "......",
        ".###..",
        ".###..",
        "......",
        "......",
    ])
    #expect(canvas[1, 1] == red)
}

@Test func rectanglesAreClippedToTheCanvas() {
    var canvas = RGBCanvas(width: 4, height: 3)
    canvas.fillRectangle(CanvasRect(x: -2, y: 2, width: 4, height: 5), color: red)
    canvas.fillRectangle(CanvasRect(x: 10, y: 10, width: 4, height: 5), color: red)
    expectInk(canvas, [
        "....",
        "....",
        "##..",
    ])
}

@Test func strokedRectangleIsAFrameInsideTheRectangle() {
    var canvas = RGBCanvas(width: 6, height: 5)
    canvas.strokeRectangle(CanvasRect(x: 1, y: 0, width: 4, height: 4), color: red)
    expectInk(canvas, [
        ".####.",
        ".#..#.",
        ".#..#.",
        ".####.",
        "......",
    ])
}

@Test func horizontalLineIncludesBothEnds() {
    var canvas = RGBCanvas(width: 7, height: 3)
    canvas.drawLine(x0: 5, y0: 1, x1: 1, y1: 1, color: red)
    expectInk(canvas, [
        ".......",
        ".#####.",
        ".......",
    ])
}

@Test func bresenhamLineOfSlopeOneHalf() {
    // Ideal y = x / 2: 0, 0.5, 1, 1.5, 2; Bresenham rounds the halves up.
    var canvas = RGBCanvas(width: 5, height: 3)
    canvas.drawLine(x0: 0, y0: 0, x1: 4, y1: 2, color: red)
    expectInk(canvas, [
        "#....",
        ".##..",
        "...##",
    ])
}

@Test func smoothOnePixelLineOnAPixelRowIsCrisp() {
    var canvas = RGBCanvas(width: 7, height: 4)
    canvas.drawSmoothLine(from: (1, 2), to: (5, 2), color: red, lineWidth: 1)
    expectInk(canvas, [
        ".......",
        ".......",
        ".#####.",
        ".......",
    ])
    #expect(canvas[3, 2] == red)
}

@Test func smoothThreePixelLineCoversThreeRows() {
    var canvas = RGBCanvas(width: 8, height: 5)
    canvas.drawSmoothLine(from: (2, 2), to: (5, 2), color: .black, lineWidth: 3)
    for x in 2 ... 5 {
        for y in 1 ... 3 { #expect(canvas[x, y] == .black) }
        #expect(canvas[x, 0] == .white)
        #expect(canvas[x, 4] == .white)
    }
    // Round cap: pixel (1, 2) is 1 from the end, inside the 1.5 radius; (0, 2) is 2 away, outside.
    #expect(canvas[1, 2] == .black)
    #expect(canvas[0, 2] == .white)
    // (1, 1) is sqrt(2) = 1.414 away: coverage 2 - 1.414 = 0.586, 255 * 0.414 = 105.6 -> 106.
    #expect(canvas[1, 1] == RGBColor(gray: 106))
}

@Test func polylineWithRoundJoin() {
    var canvas = RGBCanvas(width: 6, height: 6)
    canvas.strokePolyline([(1, 1), (4, 1), (4, 4)], color: .black, lineWidth: 1)
    expectInk(canvas, [
        "......",
        ".####.",
        "....#.",
        "....#.",
        "....#.",
        "......",
    ])
}

@Test func overlappingSegmentsAreBlendedOnce() {
    // A line along y = 1.5 covers rows 1 and 2 by half each; going back over it must not
    // darken it again (coverage is the maximum over segments, blended once).
    var canvas = RGBCanvas(width: 6, height: 4)
    canvas.strokePolyline([(1, 1.5), (4, 1.5), (1, 1.5)], color: .black, lineWidth: 1)
    #expect(canvas[2, 1] == RGBColor(gray: 128)) // 255 * 0.5 = 127.5 -> 128
    #expect(canvas[2, 2] == RGBColor(gray: 128))
    #expect(canvas[2, 0] == .white)
}

@Test func polylineSkipsNonFinitePointsAndRespectsClip() {
    var canvas = RGBCanvas(width: 6, height: 3)
    canvas.strokePolyline([(0, 1), (.nan, 1), (5, 1)], color: .black, lineWidth: 1,
                          clip: CanvasRect(x: 2, y: 0, width: 2, height: 3))
    expectInk(canvas, [
        "......",
        "..##..",
        "......",
    ])
}

@Test func discCoverageIsAntiAliasedAtTheRim() {
    var canvas = RGBCanvas(width: 11, height: 11)
    canvas.fillCircle(centerX: 5, centerY: 5, radius: 2, color: .black)
    #expect(canvas[5, 5] == .black)
    #expect(canvas[6, 6] == .black) // distance 1.41, coverage 1
    // Distance 2 from the centre: coverage 2.5 - 2 = 0.5, 255 * 0.5 = 127.5 -> 128.
    #expect(canvas[5, 3] == RGBColor(gray: 128))
    #expect(canvas[5, 2] == .white) // distance 3
    #expect(canvas[8, 8] == .white)
}

@Test func blendMixesWithRounding() {
    var canvas = RGBCanvas(width: 1, height: 1, background: RGBColor(red: 100, green: 0, blue: 255))
    canvas.blend(x: 0, y: 0, color: RGBColor(red: 200, green: 101, blue: 0), alpha: 0.25)
    // 100 * 0.75 + 200 * 0.25 = 125; 0 + 101 / 4 = 25.25 -> 25; 255 * 0.75 = 191.25 -> 191.
    #expect(canvas[0, 0] == RGBColor(red: 125, green: 25, blue: 191))
    canvas.blend(x: 5, y: 5, color: .black, alpha: 1) // outside: ignored
}

@Test func grayImageIsEnlargedByNearestNeighbour() {
    var canvas = RGBCanvas(width: 6, height: 5)
    canvas.drawGrayImage([10, 20, 30, 40], width: 2, height: 2, in: CanvasRect(x: 1, y: 1, width: 4, height: 4))
    let expected: [[UInt8]] = [[10, 10, 20, 20], [10, 10, 20, 20], [30, 30, 40, 40], [30, 30, 40, 40]]
    for y in 0 ..< 4 {
        for x in 0 ..< 4 { #expect(canvas[x + 1, y + 1] == RGBColor(gray: expected[y][x])) }
    }
    #expect(canvas[0, 0] == .white)
    #expect(canvas[5, 4] == .white)
}

@Test func imageIsShrunkByPixelCentreNearestNeighbour() {
    // Output pixel i samples source floor((i + 0.5) * 4 / 2) = 1, 3.
    var canvas = RGBCanvas(width: 2, height: 1)
    canvas.drawGrayImage([10, 20, 30, 40], width: 4, height: 1, in: canvas.bounds)
    #expect(canvas[0, 0] == RGBColor(gray: 20))
    #expect(canvas[1, 0] == RGBColor(gray: 40))
}

@Test func rgbImageKeepsItsChannels() {
    var canvas = RGBCanvas(width: 4, height: 2)
    canvas.drawRGBImage([1, 2, 3, 4, 5, 6], width: 2, height: 1, in: canvas.bounds)
    #expect(canvas[0, 0] == RGBColor(red: 1, green: 2, blue: 3))
    #expect(canvas[1, 1] == RGBColor(red: 1, green: 2, blue: 3))
    #expect(canvas[2, 0] == RGBColor(red: 4, green: 5, blue: 6))
    #expect(canvas[3, 1] == RGBColor(red: 4, green: 5, blue: 6))
}

@Test func maskOverlayTintsOnlyMaskedPixels() {
    var canvas = RGBCanvas(width: 4, height: 2, background: .black)
    canvas.overlay(mask: [true, false], width: 2, height: 1, in: canvas.bounds, color: RGBColor(red: 200, green: 100, blue: 0), alpha: 0.5)
    #expect(canvas[0, 0] == RGBColor(red: 100, green: 50, blue: 0))
    #expect(canvas[1, 1] == RGBColor(red: 100, green: 50, blue: 0))
    #expect(canvas[2, 0] == .black)
    #expect(canvas[3, 1] == .black)
}

@Test func boundaryMapMarksTheInnerRingAndTouchingObjects() {
    let labels: [Int32] = [
        0, 0, 0, 0, 0, 0,
        0, 1, 1, 1, 2, 0,
        0, 1, 1, 1, 2, 0,
        0, 1, 1, 1, 2, 0,
        0, 0, 0, 0, 0, 0,
    ]
    let boundary = RGBCanvas.boundaryMap(LabelImage(width: 6, height: 5, labels: labels))
    let text = (0 ..< 5).map { y in String((0 ..< 6).map { boundary[y * 6 + $0] ? "#" : "." }) }
    #expect(text == [
        "......",
        ".####.",
        ".#.##.",
        ".####.",
        "......",
    ])
}

@Test func outlineFromABoundaryMapIsScaled() {
    var canvas = RGBCanvas(width: 4, height: 4)
    canvas.drawOutline(boundary: [true, false, false, false], width: 2, height: 2, in: canvas.bounds, color: red)
    expectInk(canvas, [
        "##..",
        "##..",
        "....",
        "....",
    ])
}

@Test func labelOutlinesAreOnePixelAtTheDrawnSize() {
    var canvas = RGBCanvas(width: 6, height: 6)
    canvas.drawOutlines(LabelImage(width: 2, height: 2, labels: [3, 3, 3, 3]),
                        in: CanvasRect(x: 1, y: 1, width: 4, height: 4), color: red)
    expectInk(canvas, [
        "......",
        ".####.",
        ".#..#.",
        ".#..#.",
        ".####.",
        "......",
    ])
}

@Test func canvasIsCopiedOntoAnotherWithClipping() {
    var small = RGBCanvas(width: 2, height: 2, background: red)
    small[1, 1] = .black
    var canvas = RGBCanvas(width: 3, height: 3)
    canvas.draw(small, x: 2, y: 1)
    #expect(canvas[2, 1] == red)
    #expect(canvas[2, 2] == red)
    #expect(canvas[1, 1] == .white)
}

@Test func instanceColoursAreStableDistinctForNeighboursAndBlackForBackground() {
    #expect(RGBColor.instance(label: 0) == .black)
    #expect(RGBColor.instance(label: 7, seed: 3) == RGBColor.instance(label: Int64(7), seed: 3))
    #expect(RGBColor.instance(label: 7, seed: 3) != RGBColor.instance(label: 7, seed: 4))
    func distance(_ a: RGBColor, _ b: RGBColor) -> Int {
        abs(Int(a.red) - Int(b.red)) + abs(Int(a.green) - Int(b.green)) + abs(Int(a.blue) - Int(b.blue))
    }
    for seed: UInt64 in [0, 1, 42] {
        for label in 1 ..< 500 {
            let colour = RGBColor.instance(label: label, seed: seed)
            #expect(distance(colour, .black) > 200, "label \(label) too dark")
            #expect(distance(colour, RGBColor.instance(label: label + 1, seed: seed)) > 60,
                    "labels \(label) and \(label + 1), seed \(seed)")
        }
    }
}

@Test func hsvPrimaries() {
    #expect(RGBColor(hue: 0, saturation: 1, value: 1) == RGBColor(red: 255, green: 0, blue: 0))
    #expect(RGBColor(hue: 1.0 / 3, saturation: 1, value: 1) == RGBColor(red: 0, green: 255, blue: 0))
    #expect(RGBColor(hue: 2.0 / 3, saturation: 1, value: 1) == RGBColor(red: 0, green: 0, blue: 255))
    #expect(RGBColor(hue: 0.5, saturation: 0, value: 0.5) == RGBColor(gray: 128))
}

@Test func contrastStretchMapsPercentilesToTheFullRange() {
    let image = RasterImage(gray: [50, 60, 70, 80, 90], width: 5, height: 1)
    let stretched = image.stretchedForDisplay(lowPercentile: 0, highPercentile: 100)
    // (v - 50) * 255 / 40: 0, 63.75 -> 64, 127.5 -> 128, 191.25 -> 191, 255.
    #expect(stretched.samples == [0, 64, 128, 191, 255])
    let flat = RasterImage(gray: [9, 9], width: 2, height: 1)
    #expect(flat.stretchedForDisplay() == flat)
}
