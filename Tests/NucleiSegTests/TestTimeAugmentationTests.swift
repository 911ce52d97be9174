import Foundation
import NucleiSeg
import Testing

/// `--tta`: the mean of the 8 flips/rotations, each turned back.
@Suite struct TestTimeAugmentationTests {
    static func segmenter(tta: Bool) -> Segmenter {
        let segmenter = Segmenter(model: UNet(seed: 4), normalization: .standard, mode: .crops, tileSize: 64, overlap: 16, batchSize: 4,
                                  precision: .float32)
        segmenter.testTimeAugmentation = tta
        return segmenter
    }

    static let width = 70, height = 50
    static let image = PixelImage(width: width, height: height, channels: 1, bitDepth: 8,
                                  samples: (0..<(width * height)).map { UInt16(($0 * 37 + $0 / width * 11) % 256) })

    @Test func isTheMeanOfTheEightTurnedBackPasses() {
        let plain = Self.segmenter(tta: false)
        var expected = [Float](repeating: 0, count: Self.width * Self.height)
        for transform in Dihedral.all {
            let turned = transform.apply(Self.image.samples, width: Self.width, height: Self.height, channels: 1)
            let probability = plain.foregroundProbability(of: PixelImage(width: turned.width, height: turned.height, channels: 1, bitDepth: 8, samples: turned.values))
            let back = transform.invert(probability, width: turned.width, height: turned.height, channels: 1).values
            for index in expected.indices { expected[index] += back[index] / 8 }
        }
        let averaged = Self.segmenter(tta: true).foregroundProbability(of: Self.image)
        #expect(zip(expected, averaged).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(averaged != plain.foregroundProbability(of: Self.image))
    }

    @Test func makesThePredictionEquivariantToTheSymmetries() {
        // Averaging over the group gives TTA(g x) = g TTA(x) exactly (up to rounding) for any
        // network, even where the tiling itself is not symmetric (70 x 50 with 64-pixel tiles).
        let segmenter = Self.segmenter(tta: true)
        let reference = segmenter.foregroundProbability(of: Self.image)
        for transform in Dihedral.all.dropFirst() {
            let turned = transform.apply(Self.image.samples, width: Self.width, height: Self.height, channels: 1)
            let prediction = segmenter.foregroundProbability(of: PixelImage(width: turned.width, height: turned.height, channels: 1, bitDepth: 8, samples: turned.values))
            let expected = transform.apply(reference, width: Self.width, height: Self.height, channels: 1).values
            let largest = zip(prediction, expected).map { abs($0 - $1) }.max() ?? 0
            #expect(largest < 1e-5, "\(transform): largest difference \(largest)")
        }
    }
}
