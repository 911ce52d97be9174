import NucleiImaging
import Testing

struct LabelImageTests {
    @Test func countsDistinctNucleiAndForeground() {
        let labels = LabelImage(width: 4, height: 3, labels: Fixtures.twoNuclei.map { Int32($0) * 7 })
        #expect(labels.instanceCount == 2)
        #expect(labels.foreground == Fixtures.twoNuclei.map { Int32($0 > 0 ? 1 : 0) })
    }

    @Test func mergesOneMaskPerNucleus() {
        let first = LabelImage(width: 3, height: 1, labels: [255, 255, 0])
        let second = LabelImage(width: 3, height: 1, labels: [0, 255, 255])
        let merged = LabelImage.merging(binaryMasks: [first, second])
        #expect(merged.labels.labels == [1, 2, 2])
        #expect(merged.overlappingPixels == 1)
    }

    @Test func colourMaskIsRefusedUnlessGray() throws {
        let gray = PixelImage(width: 1, height: 1, channels: 3, bitDepth: 8, samples: [4, 4, 4])
        #expect(try LabelImage(mask: gray, path: "m.png").labels == [4])
        let colour = PixelImage(width: 1, height: 1, channels: 3, bitDepth: 8, samples: [4, 5, 4])
        #expect(throws: ImagingError.self) { try LabelImage(mask: colour, path: "m.png") }
    }
}
