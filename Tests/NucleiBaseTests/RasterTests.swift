import NucleiBase
import Testing

@Suite struct RasterTests {
    @Test func samplesAreInterleavedRowMajor() {
        // 2x2 RGB: pixel (x, y) holds 10 * (y * 2 + x) + channel.
        var raster = Raster<UInt8>(width: 2, height: 2, channels: 3, samples: [0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32])
        #expect(raster[x: 1, y: 0, channel: 2] == 12)
        #expect(raster[x: 0, y: 1, channel: 0] == 20)
        raster[x: 1, y: 1, channel: 1] = 99
        #expect(raster.samples[10] == 99)
        #expect(raster.sizeDescription == "2x2")
    }

    @Test func repeatingFillsEverySample() {
        let raster = Raster<Float>(width: 3, height: 2, channels: 1, repeating: -1)
        #expect(raster.samples == [Float](repeating: -1, count: 6))
    }
}

@Suite struct BoundingBoxTests {
    @Test func intersectionAndInsetClipToEmpty() {
        let box = BoundingBox(x: 2, y: 3, width: 4, height: 5)
        #expect(box.maxX == 6 && box.maxY == 8)
        #expect(box.intersection(BoundingBox(x: 4, y: 0, width: 10, height: 4)) == BoundingBox(x: 4, y: 3, width: 2, height: 1))
        #expect(box.intersection(BoundingBox(x: 10, y: 10, width: 1, height: 1)).isEmpty)
        #expect(box.insetBy(1) == BoundingBox(x: 3, y: 4, width: 2, height: 3))
        #expect(box.contains(x: 5, y: 7) && !box.contains(x: 6, y: 7))
    }
}

@Suite struct SplitMixHashTests {
    @Test func mixIsTheFinaliserOfTheGenerator() {
        // next() adds the golden gamma to the state, then mixes: the first draw of seed 0 is mix(gamma).
        var generator = SeededGenerator(seed: 0)
        #expect(generator.next() == SeededGenerator.mix(0x9E37_79B9_7F4A_7C15))
    }
}
