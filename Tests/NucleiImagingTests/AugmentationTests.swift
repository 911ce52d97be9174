import NucleiImaging
import NucleiBase
import Testing

struct AugmentationTests {
    @Test func flipsMoveThePixelsByHand() {
        let image = FloatImage(width: 3, height: 2, channels: 1, samples: [1, 2, 3,
                                                                          4, 5, 6])
        #expect(Flip.horizontal(image).samples == [3, 2, 1, 6, 5, 4])
        #expect(Flip.vertical(image).samples == [4, 5, 6, 1, 2, 3])
        let labels = LabelImage(width: 3, height: 2, labels: [1, 2, 3, 4, 5, 6])
        #expect(Flip.horizontal(labels).labels == [3, 2, 1, 6, 5, 4])
    }

    @Test func randomFlipTransformsImageAndMaskIdentically() {
        // The image encodes its own labels (every channel = label), so after any flip the two
        // must still agree pixel by pixel.
        var generator = SeededGenerator(seed: 11)
        var seen = Set<String>()
        for _ in 0..<32 {
            let labels = (0..<(5 * 4)).map { _ in Int32(generator.nextInt(below: 9)) }
            var mask = LabelImage(width: 5, height: 4, labels: labels)
            var image = FloatImage(width: 5, height: 4, channels: 3, samples: labels.flatMap { Array(repeating: Float($0), count: 3) })
            let original = mask
            let applied = RandomFlip().apply(image: &image, labels: &mask, using: &generator)
            seen.insert("\(applied.horizontal)\(applied.vertical)")
            #expect(image.samples == mask.labels.flatMap { Array(repeating: Float($0), count: 3) })
            var expected = original
            if applied.horizontal { expected = Flip.horizontal(expected) }
            if applied.vertical { expected = Flip.vertical(expected) }
            #expect(mask == expected)
        }
        #expect(seen.count == 4)  // all four combinations occur
    }

    @Test func randomFlipIsSeeded() {
        func draws(_ seed: UInt64) -> [Bool] {
            var generator = SeededGenerator(seed: seed)
            var image = FloatImage(width: 1, height: 1, channels: 3, samples: [0, 0, 0])
            var labels = LabelImage(width: 1, height: 1)
            return (0..<10).flatMap { _ in
                let applied = RandomFlip().apply(image: &image, labels: &labels, using: &generator)
                return [applied.horizontal, applied.vertical]
            }
        }
        #expect(draws(5) == draws(5))
        #expect(draws(5) != draws(6))
    }

    @Test func disabledDirectionsNeverFlip() {
        var generator = SeededGenerator(seed: 1)
        var image = FloatImage(width: 1, height: 1, channels: 3, samples: [0, 0, 0])
        var labels = LabelImage(width: 1, height: 1)
        for _ in 0..<20 {
            let applied = RandomFlip(horizontal: false, vertical: true).apply(image: &image, labels: &labels, using: &generator)
            #expect(!applied.horizontal)
        }
    }
}
