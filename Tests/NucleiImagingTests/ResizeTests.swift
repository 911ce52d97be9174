import NucleiImaging
import NucleiBase
import Testing

struct ResizeTests {
    @Test func bilinearTwoByTwoToFourByFourUsesHalfPixelCentres() {
        // Source x coordinates: (o + 0.5) * 2/4 - 0.5 = -0.25, 0.25, 0.75, 1.25 -> clamped 0, 0.25, 0.75, 1.
        let image = FloatImage(width: 2, height: 2, channels: 1, samples: [0, 1,
                                                                          2, 3])
        let resized = Resize.bilinear(image, width: 4, height: 4)
        #expect(resized.samples == [0.0, 0.25, 0.75, 1.0,
                                   0.5, 0.75, 1.25, 1.5,
                                   1.5, 1.75, 2.25, 2.5,
                                   2.0, 2.25, 2.75, 3.0])
    }

    @Test func bilinearDownscaleAveragesNeighbours() {
        // 4 -> 2: source = (o + 0.5) * 2 - 0.5 = 0.5, 2.5: the mean of pixels (0,1) and (2,3).
        let image = FloatImage(width: 4, height: 1, channels: 2, samples: [0, 10, 2, 20, 4, 30, 6, 40])
        let resized = Resize.bilinear(image, width: 2, height: 1)
        #expect(resized.samples == [1, 15, 5, 35])
    }

    @Test func bilinearSameSizeIsIdentity() {
        var generator = SeededGenerator(seed: 3)
        let pixels = (0..<(5 * 4 * 3)).map { _ in Float(generator.nextInt(below: 1000)) / 7 }
        let image = FloatImage(width: 5, height: 4, channels: 3, samples: pixels)
        #expect(Resize.bilinear(image, width: 5, height: 4) == image)
    }

    @Test func nearestNeverInventsLabels() {
        let labels = LabelImage(width: 2, height: 2, labels: [1, 2,
                                                              3, 4])
        #expect(Resize.nearest(labels, width: 4, height: 4).labels == [1, 1, 2, 2,
                                                                       1, 1, 2, 2,
                                                                       3, 3, 4, 4,
                                                                       3, 3, 4, 4])
        // 4 -> 2 picks source indices floor((o + 0.5) * 2) = 1 and 3.
        let wide = LabelImage(width: 4, height: 1, labels: [5, 6, 7, 8])
        #expect(Resize.nearest(wide, width: 2, height: 1).labels == [6, 8])
        #expect(Resize.nearestIndex(127, input: 869, output: 128) == 865)
    }
}
