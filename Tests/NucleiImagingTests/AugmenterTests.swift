import Foundation
import NucleiImaging
import NucleiBase
import Testing

struct AugmenterTests {
    /// Labels that encode their own position: label(y, x) = y * width + x + 1.
    static func coordinateLabels(width: Int, height: Int) -> LabelImage {
        LabelImage(width: width, height: height, labels: (0..<(width * height)).map { Int32($0 + 1) })
    }

    /// An image whose every channel holds the label value scaled into [-1, 1].
    static func image(encoding labels: LabelImage, channels: Int = 3) -> FloatImage {
        let scale = 1 / Float(labels.labels.max() ?? 1)
        return FloatImage(width: labels.width, height: labels.height, channels: channels,
                          samples: labels.labels.flatMap { Array(repeating: Float($0) * scale * 2 - 1, count: channels) })
    }

    @Test func presets() {
        #expect(AugmentationPolicy.seed.isFlipsOnly)
        #expect(AugmentationPolicy.none.isFlipsOnly)
        #expect(!AugmentationPolicy.full.isFlipsOnly)
        #expect(AugmentationPolicy.full.minimumScale == 0.5 && AugmentationPolicy.full.maximumScale == 2)
        #expect(AugmentationPolicy.full.description == "8 flips/rotations, scale 0.5-2.0x, brightness/contrast/gamma, noise, blur, colour jitter")
        #expect(AugmentationPolicy.seed.description == "flips")
    }

    @Test func resampleAtStepOneIsAnExactCrop() {
        let labels = Self.coordinateLabels(width: 9, height: 7)
        let image = Self.image(encoding: labels)
        let (pixels, cropped) = Augmenter.resample(image: image, labels: labels, originX: 2, originY: 1, step: 1, size: 4)
        let reference = RandomCrop.crop(image: image, labels: labels, x: 2, y: 1, width: 4, height: 4)
        #expect(cropped == reference.labels.labels)
        #expect(pixels == reference.image.samples)
    }

    @Test func resampleMirrorsPastTheBorder() {
        // A 3x1 row [1 2 3] read from x = -2 over 7 pixels: mirrored 3 2 1 2 3 2 1.
        let labels = LabelImage(width: 3, height: 1, labels: [1, 2, 3])
        let image = FloatImage(width: 3, height: 1, channels: 1, samples: [10, 20, 30])
        let (pixels, cropped) = Augmenter.resample(image: image, labels: labels, originX: -2, originY: 0, step: 1, size: 7)
        #expect(Array(cropped.prefix(7)) == [3, 2, 1, 2, 3, 2, 1])
        #expect(Array(pixels.prefix(7)) == [30, 20, 10, 20, 30, 20, 10])
    }

    @Test func zoomByTwoRepeatsEachSourcePixelTwice() {
        // step 0.5: output column c reads source column origin + floor((c + 0.5) / 2) (nearest),
        // and bilinear from origin + (c + 0.5) / 2 - 0.5: the midpoints are hand-computable.
        let labels = LabelImage(width: 4, height: 1, labels: [1, 2, 3, 4])
        let image = FloatImage(width: 4, height: 1, channels: 1, samples: [0, 4, 8, 12])
        let (pixels, cropped) = Augmenter.resample(image: image, labels: labels, originX: 1, originY: 0, step: 0.5, size: 4)
        #expect(Array(cropped.prefix(4)) == [2, 2, 3, 3])
        // Sources 0.75, 1.25, 1.75, 2.25 (x from origin 1): 0.75*4=3, 5, 7, 9.
        #expect(Array(pixels.prefix(4)) == [3, 5, 7, 9])
    }

    @Test func theEightSymmetriesAreDistinctAndAllDrawn() {
        let square = [1, 2, 3, 4]
        var results = Set<[Int]>()
        for quarterTurns in 0..<4 {
            for horizontal in [false, true] {
                results.insert(Augmenter.transformed(square, size: 2, channels: 1, horizontal: horizontal, vertical: false, quarterTurns: quarterTurns))
            }
        }
        #expect(results.count == 8)
        #expect(Augmenter.transformed(square, size: 2, channels: 1, horizontal: false, vertical: false, quarterTurns: 1) == [2, 4, 1, 3])

        var policy = AugmentationPolicy.none
        policy.flips = true
        policy.rotations = true
        let augmenter = Augmenter(policy: policy, outputSize: 2)
        let labels = LabelImage(width: 2, height: 2, labels: [1, 2, 3, 4])
        var generator = SeededGenerator(seed: 3)
        var drawn = Set<[Int32]>()
        for _ in 0..<200 { drawn.insert(augmenter.apply(image: Self.image(encoding: labels), labels: labels, using: &generator).labels.labels) }
        #expect(drawn.count == 8)
    }

    @Test(arguments: [1.0, 0.5, 2.0, 0.7])
    func geometryMovesImageAndLabelsTogether(scale: Double) {
        // Labels are constant on 8x8 blocks; the image encodes the block label. Away from block
        // edges, bilinear and nearest read the same block, so image and labels must agree.
        let width = 96, height = 80
        let labels = LabelImage(width: width, height: height, labels: (0..<(width * height)).map { index in
            Int32((index / width) / 8 * (width / 8) + (index % width) / 8 + 1)
        })
        let image = Self.image(encoding: labels)
        var policy = AugmentationPolicy.none
        policy.flips = true
        policy.rotations = true
        (policy.minimumScale, policy.maximumScale) = (scale, scale)
        let augmenter = Augmenter(policy: policy, outputSize: 32)
        var generator = SeededGenerator(seed: 17)
        let scaleFactor = 1 / Float(labels.labels.max()!)
        for _ in 0..<20 {
            let (output, outputLabels) = augmenter.apply(image: image, labels: labels, using: &generator)
            var agreeing = 0
            for index in 0..<(32 * 32) {
                let expected = Float(outputLabels.labels[index]) * scaleFactor * 2 - 1
                if abs(output.samples[index * 3] - expected) < 1e-4 { agreeing += 1 }
            }
            // Block interiors: at least half of the pixels, whatever the zoom.
            #expect(agreeing > 32 * 32 / 2, "only \(agreeing) of 1024 pixels agree at scale \(scale)")
        }
    }

    @Test func zoomChangesTheApparentNucleusSize() {
        // One source pixel per label: at zoom s each label covers about s x s output pixels.
        let labels = Self.coordinateLabels(width: 200, height: 200)
        var policy = AugmentationPolicy.none
        (policy.minimumScale, policy.maximumScale) = (2, 2)
        var generator = SeededGenerator(seed: 5)
        let output = Augmenter(policy: policy, outputSize: 64).apply(image: Self.image(encoding: labels, channels: 1), labels: labels, using: &generator).labels
        #expect(Set(output.labels).count == 32 * 32)
        (policy.minimumScale, policy.maximumScale) = (0.5, 0.5)
        let shrunk = Augmenter(policy: policy, outputSize: 64).apply(image: Self.image(encoding: labels, channels: 1), labels: labels, using: &generator).labels
        #expect(Set(shrunk.labels).count == 64 * 64)
        // Nearest at step 2 keeps every other source column: labels 2 apart along a row.
        #expect(shrunk.labels[1] - shrunk.labels[0] == 2)
    }

    @Test func photometricKeepsGrayGrayRangeAndLabels() {
        let labels = Self.coordinateLabels(width: 40, height: 40)
        var generator = SeededGenerator(seed: 9)
        let gray = FloatImage(width: 40, height: 40, channels: 3, samples: (0..<1600).flatMap { index -> [Float] in
            let value = Float(index % 40) / 20 - 1
            return [value, value, value]
        })
        var policy = AugmentationPolicy.full
        (policy.minimumScale, policy.maximumScale) = (1, 1)
        policy.rotations = false
        policy.flips = false
        let augmenter = Augmenter(policy: policy, outputSize: 32)
        var changed = 0
        for _ in 0..<30 {
            let (output, outputLabels) = augmenter.apply(image: gray, labels: labels, using: &generator)
            let reference = Augmenter.resample(image: gray, labels: labels, originX: 0, originY: 0, step: 1, size: 32)
            for pixel in 0..<(32 * 32) {
                #expect(output.samples[pixel * 3] == output.samples[pixel * 3 + 1] && output.samples[pixel * 3 + 1] == output.samples[pixel * 3 + 2])
            }
            #expect(output.samples.allSatisfy { $0 >= -1 && $0 <= 1 })
            #expect(Set(outputLabels.labels).count == 32 * 32)  // labels untouched by photometric steps
            if output.samples != reference.pixels { changed += 1 }
        }
        #expect(changed == 30)
    }

    @Test func colourJitterTouchesColourImagesOnly() {
        var policy = AugmentationPolicy.none
        policy.colour = true
        let augmenter = Augmenter(policy: policy, outputSize: 8)
        let labels = LabelImage(width: 8, height: 8)
        let gray = FloatImage(width: 8, height: 8, channels: 3, samples: [Float](repeating: 0, count: 192))
        let colour = FloatImage(width: 8, height: 8, channels: 3, samples: (0..<64).flatMap { _ in [Float(0.4), -0.2, 0.1] })
        var generator = SeededGenerator(seed: 1)
        // Gray at 0 maps to unit 0.5, which round-trips exactly.
        #expect(augmenter.apply(image: gray, labels: labels, using: &generator).image.samples == gray.samples)
        #expect(augmenter.apply(image: colour, labels: labels, using: &generator).image.samples != colour.samples)
    }

    @Test func seededAndSeedSensitive() {
        let labels = Self.coordinateLabels(width: 50, height: 60)
        let image = Self.image(encoding: labels)
        let augmenter = Augmenter(policy: .full, outputSize: 16)
        func draw(_ seed: UInt64) -> (FloatImage, LabelImage) {
            var generator = SeededGenerator(seed: seed)
            return augmenter.apply(image: image, labels: labels, using: &generator)
        }
        #expect(draw(4) == draw(4))
        #expect(draw(4).0 != draw(5).0)
    }

    @Test func gaussianBlurPreservesConstantsAndSpreadsAnImpulse() {
        let constant = [Double](repeating: 0.3, count: 25)
        #expect(Augmenter.gaussianBlur(constant, size: 5, channels: 1, sigma: 1).allSatisfy { abs($0 - 0.3) < 1e-12 })
        var impulse = [Double](repeating: 0, count: 49)
        impulse[24] = 1
        let blurred = Augmenter.gaussianBlur(impulse, size: 7, channels: 1, sigma: 0.5)
        // Radius 2 kernel exp(-x^2 / 0.5) normalised: centre weight squared.
        let weights = (-2...2).map { exp(-Double($0 * $0) / 0.5) }
        let centre = 1 / weights.reduce(0, +)
        #expect(abs(blurred[24] - centre * centre) < 1e-12)
        #expect(abs(blurred.reduce(0, +) - 1) < 1e-9)
    }
}
