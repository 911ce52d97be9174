import NucleiAnalysis
import Testing

@Suite struct ConnectedComponentsTests {
    @Test func diagonalIsOneObjectWithEightConnectivityAndThreeWithFour() {
        let drawn = mask([
            "#..",
            ".#.",
            "..#",
        ])
        let eight = ConnectedComponents.label(drawn.mask, width: drawn.width, height: drawn.height, connectivity: .eight)
        let four = ConnectedComponents.label(drawn.mask, width: drawn.width, height: drawn.height, connectivity: .four)
        #expect(eight.labels == [1, 0, 0, 0, 1, 0, 0, 0, 1])
        #expect(four.labels == [1, 0, 0, 0, 2, 0, 0, 0, 3])
    }

    @Test func eightConnectivityIsTheDefault() {
        let drawn = mask(["#.", ".#"])
        #expect(ConnectedComponents.label(drawn.mask, width: 2, height: 2).labels == [1, 0, 0, 1])
    }

    @Test func labelsFollowRasterOrderOfFirstPixelAcrossMerges() {
        // The U is found as two provisional labels (columns 0 and 2) that merge on row 2; it
        // keeps label 1 because its first pixel (0, 0) comes first. The lone pixel (4, 1) is 2,
        // the bar on row 3 is 3.
        let drawn = mask([
            "#.#..",
            "#.#.#",
            "###..",
            "...##",
        ])
        let labels = ConnectedComponents.label(drawn.mask, width: drawn.width, height: drawn.height, connectivity: .four)
        #expect(labels == labelImage([
            "10100",
            "10102",
            "11100",
            "00033",
        ]))
        // With eight neighbours the bar touches the U diagonally at (2, 2)-(3, 3).
        let merged = ConnectedComponents.label(drawn.mask, width: drawn.width, height: drawn.height, connectivity: .eight)
        #expect(merged == labelImage([
            "10100",
            "10102",
            "11100",
            "00011",
        ]))
    }

    @Test func byteMasksLabelLikeBooleanOnes() {
        let labels = ConnectedComponents.label([0, 9, 0, 1] as [UInt8], width: 2, height: 2, connectivity: .four)
        #expect(labels.labels == [0, 1, 0, 1])
    }

    @Test func removingSmallObjectsRenumbersTheRest() {
        // Areas: 1 -> 1 pixel, 2 -> 3 pixels, 3 -> 2 pixels. Minimum 2 removes label 1;
        // the rest become 1 (first pixel (2, 0)) and 2.
        let image = labelImage([
            "1.2",
            "..2",
            "332",
        ])
        let kept = ConnectedComponents.removingSmallObjects(image, minimumArea: 2)
        #expect(kept == labelImage([
            "..1",
            "..1",
            "221",
        ]))
    }

    @Test func relabellingClosesGaps() {
        let image = LabelImage(width: 3, height: 1, labels: [9, 0, 4])
        #expect(ConnectedComponents.relabelledInRasterOrder(image).labels == [1, 0, 2])
    }

    @Test func fillingHolesFillsEnclosedBackgroundOnly() {
        // The ring encloses one pixel; the notched ring on the right is open to the border.
        let drawn = mask([
            "###.###",
            "#.#.#..",
            "###.###",
        ])
        let filled = ConnectedComponents.fillingHoles(drawn.mask, width: drawn.width, height: drawn.height)
        #expect(filled == mask([
            "###.###",
            "###.#..",
            "###.###",
        ]).mask)
    }

    @Test func eightConnectedRimWithDiagonalStepStillEnclosesItsHole() {
        // The rim's corners only touch diagonally; for an eight-connected object the centre is
        // enclosed (the background is traced with four neighbours).
        let drawn = mask([
            ".#.",
            "#.#",
            ".#.",
        ])
        let eight = ConnectedComponents.fillingHoles(drawn.mask, width: 3, height: 3, connectivity: .eight)
        let four = ConnectedComponents.fillingHoles(drawn.mask, width: 3, height: 3, connectivity: .four)
        #expect(eight[4] == true)
        #expect(four[4] == false)
    }
}
