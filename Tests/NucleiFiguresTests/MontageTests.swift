import NucleiFigures
import Testing

private func blank(_ width: Int, _ height: Int) -> Montage.Panel {
    .image(RasterImage(gray: [UInt8](repeating: 0, count: width * height), width: width, height: height))
}

@Test func sizeWithoutTitleCaptionsOrRowLabels() {
    // 3 columns x 2 rows of 100 px, text scale 2 (line 16 px), margin 12, spacing 8:
    // width 2*12 + 3*100 + 2*8 = 340; height 2*12 + (16 + 8) + 2*100 + 8 = 256.
    let montage = Montage(columnTitles: ["image", "ground truth", "prediction"],
                          rows: Array(repeating: Array(repeating: blank(4, 4), count: 3), count: 2), panelSize: 100)
    #expect(montage.size == (340, 256))
    let canvas = montage.render()
    #expect(canvas.width == 340 && canvas.height == 256)
    #expect(montage.panelRect(row: 1, column: 2) == CanvasRect(x: 12 + 2 * 108, y: 12 + 24 + 108, width: 100, height: 100))
}

@Test func sizeWithTitleCaptionsAndRowLabels() {
    // Title: 8 * 3 + 8 = 32; captions: 16 + 4 = 20 per row; row labels: width("bb") = 22, + 8 = 30.
    // width 24 + 30 + 300 + 16 = 370; height 24 + 32 + 24 + 2 * (100 + 20) + 8 = 328.
    var rows = Array(repeating: Array(repeating: blank(4, 4), count: 3), count: 2)
    rows[1][1].caption = "IoU 0.83"
    let montage = Montage(title: "Test predictions", columnTitles: ["a", "b", "c"], rowLabels: ["a", "bb"],
                          rows: rows, panelSize: 100)
    #expect(montage.size == (370, 328))
    let canvas = montage.render()
    #expect(canvas.width == 370 && canvas.height == 328)
    #expect(montage.panelRect(row: 0, column: 0) == CanvasRect(x: 42, y: 68, width: 100, height: 100))
    #expect(montage.panelRect(row: 1, column: 0).y == 68 + 100 + 20 + 8)
}

@Test func maskPanelFillsItsSquareExactly() {
    let mask = [UInt8](repeating: 1, count: 100)
    let montage = Montage(columnTitles: ["mask"], rows: [[.mask(mask, width: 10, height: 10, color: red)]], panelSize: 50)
    let canvas = montage.render()
    let rect = montage.panelRect(row: 0, column: 0)
    for y in rect.y ..< rect.maxY {
        for x in rect.x ..< rect.maxX where canvas[x, y] != red {
            Issue.record("pixel (\(x), \(y)) is \(canvas[x, y])")
        }
    }
    #expect(canvas[rect.x - 1, rect.y] == .white)
    #expect(canvas[rect.maxX, rect.maxY - 1] == .white)
}

@Test func wideImagesAreLetterboxedOnBlack() {
    // A 20 x 10 image in a 100 px square: 100 x 50, rows 25 ..< 75.
    let image = RasterImage(gray: [UInt8](repeating: 200, count: 200), width: 20, height: 10)
    let montage = Montage(columnTitles: ["image"], rows: [[.image(image)]], panelSize: 100)
    let canvas = montage.render()
    let rect = montage.panelRect(row: 0, column: 0)
    #expect(canvas[rect.x, rect.y + 24] == .black)
    #expect(canvas[rect.x, rect.y + 25] == RGBColor(gray: 200))
    #expect(canvas[rect.maxX - 1, rect.y + 74] == RGBColor(gray: 200))
    #expect(canvas[rect.maxX - 1, rect.y + 75] == .black)
}

@Test func labelPanelsUseInstanceColours() {
    let labels: [Int32] = [0, 1, 2, 3]
    let montage = Montage(columnTitles: ["labels"], rows: [[.labels(LabelImage(width: 2, height: 2, labels: labels), seed: 5)]], panelSize: 4)
    let canvas = montage.render()
    let rect = montage.panelRect(row: 0, column: 0)
    #expect(canvas[rect.x, rect.y] == .black)
    #expect(canvas[rect.x + 2, rect.y] == RGBColor.instance(label: 1, seed: 5))
    #expect(canvas[rect.x, rect.y + 2] == RGBColor.instance(label: 2, seed: 5))
    #expect(canvas[rect.x + 3, rect.y + 3] == RGBColor.instance(label: 3, seed: 5))
}

@Test func outlinePanelDrawsOverTheImage() {
    let image = RasterImage(gray: [UInt8](repeating: 90, count: 64), width: 8, height: 8)
    var labels = LabelImage(width: 8, height: 8)
    for y in 2 ..< 6 { for x in 2 ..< 6 { labels[x: x, y: y] = 1 } }
    let montage = Montage(columnTitles: ["outlines"], rows: [[.outlines(image, labels: labels, color: red)]], panelSize: 8)
    let canvas = montage.render()
    let rect = montage.panelRect(row: 0, column: 0)
    #expect(canvas[rect.x + 2, rect.y + 2] == red)
    #expect(canvas[rect.x + 3, rect.y + 3] == RGBColor(gray: 90)) // interior
    #expect(canvas[rect.x + 1, rect.y + 1] == RGBColor(gray: 90)) // background
}
