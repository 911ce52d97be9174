import NucleiFigures
import Testing

private func glyphText(_ character: Character) -> [String] {
    let bitmap = BitmapFont.glyph(character)
    return (0 ..< BitmapFont.glyphHeight).map { row in
        String((0 ..< BitmapFont.glyphWidth).map { bitmap[row * BitmapFont.glyphWidth + $0] ? "#" : "." })
    }
}

@Test func glyphOfCapitalA() {
    #expect(glyphText("A") == [
        ".###.",
        "#...#",
        "#...#",
        "#...#",
        "#####",
        "#...#",
        "#...#",
        ".....",
    ])
}

@Test func glyphOfDigitSeven() {
    #expect(glyphText("7") == [
        "#####",
        "....#",
        "...#.",
        "..#..",
        ".#...",
        ".#...",
        ".#...",
        ".....",
    ])
}

@Test func lowercaseGUsesTheDescenderRow() {
    #expect(glyphText("g") == [
        ".....",
        ".....",
        ".####",
        "#...#",
        "#...#",
        ".####",
        "....#",
        ".###.",
    ])
}

@Test func spaceIsBlankAndUnknownCharactersDrawAsQuestionMarks() {
    #expect(!BitmapFont.glyph(" ").contains(true))
    #expect(BitmapFont.glyph("é") == BitmapFont.glyph("?"))
    #expect(BitmapFont.glyph("\u{7F}") == BitmapFont.glyph("?"))
}

@Test func everyPrintableCharacterExceptSpaceHasInk() {
    for code in UInt8(33) ... 126 {
        #expect(BitmapFont.glyph(Character(UnicodeScalar(code))).contains(true), "character \(code)")
    }
}

@Test func drawnTextMatchesTheGlyphAtScaleOne() {
    var canvas = RGBCanvas(width: 7, height: 10)
    canvas.drawText("A", x: 1, y: 1, color: .black)
    expectInk(canvas, [
        ".......",
        "..###..",
        ".#...#.",
        ".#...#.",
        ".#...#.",
        ".#####.",
        ".#...#.",
        ".#...#.",
        ".......",
        ".......",
    ])
}

@Test func scaleTwoDrawsTwoByTwoBlocks() {
    var canvas = RGBCanvas(width: 12, height: 16)
    canvas.drawText("T", x: 0, y: 0, scale: 2, color: .black)
    expectInk(canvas, [
        "##########..",
        "##########..",
    ] + Array(repeating: "....##......", count: 12) + [
        "............",
        "............",
    ])
}

@Test func textWidthCountsSixColumnsPerCharacterLessTheLastGap() {
    #expect(BitmapFont.textWidth("") == 0)
    #expect(BitmapFont.textWidth("H") == 5)
    #expect(BitmapFont.textWidth("abc", scale: 2) == 34)
    #expect(BitmapFont.lineHeight(scale: 3) == 24)
}

@Test func rightAndCentreAlignment() {
    var right = RGBCanvas(width: 12, height: 8)
    right.drawText("H", x: 10, y: 0, color: .black, alignment: .right)
    #expect(inkMap(right)[0] == ".....#...#..")
    var centre = RGBCanvas(width: 12, height: 8)
    centre.drawText("HH", x: 6, y: 0, color: .black, alignment: .center) // width 11, starts at 6 - 5
    #expect(inkMap(centre)[3] == ".#####.#####")
}

@Test func rotatedTextRunsUpwards() {
    // Glyph row r lands in column x + r; glyph column c in row y - 1 - c.
    var canvas = RGBCanvas(width: 12, height: 12)
    canvas.drawText("F", x: 2, y: 10, color: .black, rotated: true)
    let glyph = BitmapFont.glyph("F")
    for row in 0 ..< BitmapFont.glyphHeight {
        for column in 0 ..< BitmapFont.glyphWidth {
            #expect((canvas[2 + row, 9 - column] == .black) == glyph[row * BitmapFont.glyphWidth + column])
        }
    }
    #expect(!inkMap(canvas)[10].contains("#"))
}
