import NucleiAnalysis
import Testing

@Suite struct OutlinesTests {
    @Test func squareKeepsItsRing() {
        let outline = Outlines.boundaries(of: labelImage([
            ".....",
            ".111.",
            ".111.",
            ".111.",
            ".....",
        ]))
        #expect(outline == labelImage([
            ".....",
            ".111.",
            ".1.1.",
            ".111.",
            ".....",
        ]))
    }

    @Test func touchingInstancesEachKeepTheirOwnBoundary() {
        // Columns 2 and 3 touch: both are boundaries (of labels 1 and 2). Only the middle pixel
        // of each 3x3 block stays out.
        let outline = Outlines.boundaries(of: labelImage([
            "111222",
            "111222",
            "111222",
        ]))
        #expect(outline == labelImage([
            "111222",
            "1.12.2",
            "111222",
        ]))
    }

    @Test func theImageEdgeClosesTheOutline() {
        let mask = Outlines.boundaryMask(of: labelImage(["111", "111", "111"]))
        #expect(mask == [true, true, true, true, false, true, true, true, true])
    }
}
