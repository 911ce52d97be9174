import Foundation
import NucleiSeg
import Testing

@Suite struct SegmenterTests {
    @Test func tileOriginsCoverTheImageWithOverlap() {
        #expect(Segmenter.tileOrigins(length: 100, tile: 256, overlap: 64) == [0])
        #expect(Segmenter.tileOrigins(length: 256, tile: 256, overlap: 64) == [0])
        #expect(Segmenter.tileOrigins(length: 512, tile: 256, overlap: 64) == [0, 192, 256])
        #expect(Segmenter.tileOrigins(length: 600, tile: 256, overlap: 0) == [0, 256, 344])
    }

    /// Tiled prediction of any shape (smaller than a tile, not a multiple of it) returns one
    /// finite probability per pixel. (Agreement with a whole-image pass is the next test.)
    @Test func tiledPredictionOfAnyShapeHasTheImageSize() throws {
        let segmenter = Segmenter(model: UNet(seed: 3), normalization: .standard, mode: .crops, tileSize: 64, overlap: 16, batchSize: 4)
        for (width, height) in [(1, 1), (37, 90), (150, 70)] {
            let image = PixelImage(width: width, height: height, channels: 1, bitDepth: 16,
                                   samples: (0..<(width * height)).map { UInt16($0 % 977) })
            let probability = segmenter.foregroundProbability(of: image)
            #expect(probability.count == width * height)
            #expect(probability.allSatisfy { $0 >= 0 && $0 <= 1 && $0.isFinite })
        }
    }

    @Test func tilesAgreeWithAWholeImagePassInTheirCentres() throws {
        // A 128x128 image predicted as one 128 tile and as 64-pixel tiles with 24-pixel overlap:
        // away from tile borders the network sees the same receptive field only approximately,
        // so compare the mean absolute difference, which must be small.
        let model = UNet(seed: 5)
        try PretrainedBackbone.load(into: model.encoder)
        var generator = SeededGenerator(seed: 2)
        let sample = SyntheticDataset.sample(size: 128, bitDepth: 8, generator: &generator).0
        let whole = Segmenter(model: model, normalization: .standard, mode: .crops, tileSize: 128, overlap: 0).foregroundProbability(of: sample)
        let tiled = Segmenter(model: model, normalization: .standard, mode: .crops, tileSize: 64, overlap: 24).foregroundProbability(of: sample)
        let meanDifference = zip(whole, tiled).reduce(0) { $0 + abs($1.0 - $1.1) } / Float(whole.count)
        #expect(meanDifference < 0.1, "mean |whole - tiled| = \(meanDifference)")
    }

    @Test func resizeModeReturnsNativeResolution() {
        let segmenter = Segmenter(model: UNet(seed: 1), normalization: NormalizationSpec(inputWidth: 64, inputHeight: 64), mode: .resize)
        let image = PixelImage(width: 90, height: 50, channels: 3, bitDepth: 8, samples: (0..<(90 * 50 * 3)).map { UInt16($0 % 256) })
        #expect(segmenter.foregroundProbability(of: image).count == 90 * 50)
    }
}

@Suite struct ContourHeadSegmenterTests {
    @Test func threeClassLogitsGiveForegroundAndInteriorMaps() throws {
        // A contour model (3 classes) whose output layer is zeroed except for the bias: every
        // pixel's logits are (0, ln 2, 0), so p = (1/4, 1/2, 1/4): foreground 3/4, interior 1/2.
        let model = UNet(classes: 3, seed: 5)
        #expect(model.classes == 3)
        var state = model.stateDictionary()
        state["decoder.output.kernel"] = Tensor(shape: state["decoder.output.kernel"]!.shape)
        state["decoder.output.bias"] = Tensor(shape: [3], scalars: [0, Float(log(2.0)), 0])
        try model.load(state, from: "test")
        let segmenter = Segmenter(model: model, normalization: .standard, mode: .crops, tileSize: 64, overlap: 16)
        #expect(segmenter.head == .contour)
        let image = PixelImage(width: 70, height: 50, channels: 1, bitDepth: 8, samples: (0..<3500).map { UInt16($0 % 251) })
        for tta in [false, true] {
            segmenter.testTimeAugmentation = tta
            let maps = segmenter.probabilityMaps(of: image)
            #expect(maps.width == 70 && maps.height == 50)
            #expect(maps.foreground.allSatisfy { abs($0 - 0.75) < 1e-5 })
            #expect(maps.interior?.allSatisfy { abs($0 - 0.5) < 1e-5 } == true)
        }
        let resized = Segmenter(model: model, normalization: .standard, mode: .resize)
        let maps = resized.probabilityMaps(of: image)
        #expect(maps.foreground.allSatisfy { abs($0 - 0.75) < 1e-5 } && maps.interior?.allSatisfy { abs($0 - 0.5) < 1e-5 } == true)
        #expect(resized.inputSizeProbability(of: image).samples.allSatisfy { abs($0 - 0.75) < 1e-5 })
    }

    @Test func seedModelsHaveNoInteriorMap() {
        let segmenter = Segmenter(model: UNet(seed: 3), normalization: .standard, mode: .crops, tileSize: 64, overlap: 16)
        #expect(segmenter.head == .seed)
        let image = PixelImage(width: 40, height: 40, channels: 1, bitDepth: 8, samples: [UInt16](repeating: 9, count: 1600))
        #expect(segmenter.probabilityMaps(of: image).interior == nil)
    }
}
