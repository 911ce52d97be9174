import NucleiFigures
import Testing

/// The canvas as text, one character per pixel: "." for `background`, "#" for anything else.
func inkMap(_ canvas: RGBCanvas, background: RGBColor = .white) -> [String] {
    (0 ..< canvas.height).map { y in
        String((0 ..< canvas.width).map { x in canvas[x, y] == background ? "." : "#" })
    }
}

/// Expects `canvas` to show exactly `expected` (see ``inkMap(_:background:)``).
func expectInk(
    _ canvas: RGBCanvas, _ expected: [String], background: RGBColor = .white,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(inkMap(canvas, background: background) == expected, sourceLocation: sourceLocation)
}

let red = RGBColor(red: 255, green: 0, blue: 0)
