import Foundation
import NucleiSeg
import Testing

@Suite struct NucleusScaleTests {
    @Test func diameterArgumentsParse() {
        #expect(DiameterSetting(argument: "auto") == .auto)
        #expect(DiameterSetting(argument: "17.5") == .pixels(17.5))
        for bad in ["0", "-2", "x", "inf", "nan", ""] { #expect(DiameterSetting(argument: bad) == nil, "\(bad)") }
        #expect(DiameterSetting.pixels(12).description == "12 px")
    }

    @Test func medianDiameterOfLabelledNuclei() throws {
        // Areas 50, 100 and 200 px: the median area 100 has diameter 2 sqrt(100 / pi) = 11.2838.
        var labels = [Int32](repeating: 0, count: 40 * 20)
        for index in 0..<50 { labels[index] = 1 }
        for index in 100..<200 { labels[index] = 2 }
        for index in 300..<500 { labels[index] = 3 }
        let measured = try #require(NucleusScale.medianDiameter(LabelImage(width: 40, height: 20, labels: labels)))
        #expect(measured.count == 3)
        #expect(abs(measured.diameter - 11.28379) < 1e-4)
        #expect(NucleusScale.medianDiameter(LabelImage(width: 4, height: 4)) == nil)
    }

    @Test func factorsAreClampedToTheRangeAndThePixelBudget() {
        #expect(NucleusScale.factor(model: 20, image: 10, width: 100, height: 100) == 2)
        #expect(NucleusScale.factor(model: 20, image: 40, width: 100, height: 100) == 0.5)
        #expect(NucleusScale.factor(model: 20, image: 100, width: 100, height: 100) == 0.25)
        #expect(NucleusScale.factor(model: 20, image: 1, width: 100, height: 100) == 4)
        // An 8192 x 8192 image already has the 2^26 pixels a scaled image may have: no upscaling.
        #expect(NucleusScale.factor(model: 20, image: 10, width: 8192, height: 8192) == 1)
        #expect(NucleusScale.factor(model: 20, image: 40, width: 8192, height: 8192) == 0.5)
    }

    @Test func halvingAveragesEachTwoByTwoBlock() {
        // Half-pixel centres: output (0, 0) reads source (0.5, 0.5), the mean of the first 2x2 block.
        let image = PixelImage(width: 4, height: 2, channels: 1, bitDepth: 16, samples: [0, 2, 4, 6, 8, 10, 12, 14])
        let half = NucleusScale.resize(image, by: 0.5)
        #expect(half.width == 2 && half.height == 1 && half.bitDepth == 16)
        #expect(half.samples == [5, 9])
        let doubled = NucleusScale.resize(PixelImage(width: 2, height: 1, channels: 1, bitDepth: 8, samples: [0, 255]), by: 2)
        #expect(doubled.width == 4 && doubled.height == 2)
        #expect(doubled.samples == [0, 64, 191, 255, 0, 64, 191, 255])
    }

    @Test func aDiameterNeedsATiledModelThatRecordsOne() throws {
        let resize = Segmenter(model: UNet(seed: 1), normalization: .standard, mode: .resize)
        resize.modelDiameter = 20
        #expect(throws: DiameterError.needsTiledModel(path: "m.safetensors")) { try resize.useDiameter(.auto, modelPath: "m.safetensors") }
        let tiled = Segmenter(model: UNet(seed: 1), normalization: .standard, mode: .crops, tileSize: 64, overlap: 16)
        #expect(throws: DiameterError.noModelDiameter(path: "m.safetensors")) { try tiled.useDiameter(.pixels(10), modelPath: "m.safetensors") }
        #expect(DiameterError.noModelDiameter(path: "m.safetensors").description.hasPrefix("m.safetensors: "))
        try tiled.useDiameter(.native, modelPath: "m.safetensors")
    }

    @Test func aGivenDiameterScalesThePredictionButNotTheOutput() throws {
        let segmenter = Segmenter(model: UNet(seed: 3), normalization: .standard, mode: .crops, tileSize: 64, overlap: 16)
        segmenter.modelDiameter = 20
        let image = PixelImage(width: 90, height: 70, channels: 1, bitDepth: 8, samples: (0..<6300).map { UInt16(($0 * 7) % 251) })
        let native = segmenter.scaledMaps(of: image)
        try segmenter.useDiameter(.pixels(20), modelPath: "m")
        let same = segmenter.scaledMaps(of: image)
        #expect(same.factor == 1 && same.maps == native.maps)
        try segmenter.useDiameter(.pixels(40), modelPath: "m")
        let halved = segmenter.scaledMaps(of: image)
        #expect(halved.factor == 0.5)
        #expect(halved.maps.width == 90 && halved.maps.height == 70)
        #expect(halved.maps != native.maps)
    }

    /// On a real image, auto measures the nuclei with the shipped model: told that the model
    /// was trained on nuclei as large as it finds here, it keeps the first pass; on the image
    /// shrunk to half, it finds them half as large and predicts at about twice the size.
    @Test func autoDiameterFollowsTheImagesMagnification() throws {
        let folder = TestResources.packageRoot.appendingPathComponent("data/nuclei-samples/train/images")
        let file = try #require(try PredictionWriter.imageFiles(in: folder).first)
        let image = try ImageFile.read(file)
        let segmenter = try ShippedModel.segmenter(path: nil)
        let native = try #require(NucleusScale.medianDiameter(InstanceExtraction.extract(maps: segmenter.probabilityMaps(of: image), options: .nuclei)))
        #expect(native.count >= NucleusScale.autoMinimumNuclei)
        segmenter.modelDiameter = native.diameter
        try segmenter.useDiameter(.auto, modelPath: "shipped")
        #expect(segmenter.scaledMaps(of: image).factor == 1)
        let shrunk = segmenter.scaledMaps(of: NucleusScale.resize(image, by: 0.5))
        #expect(shrunk.factor > 1.6 && shrunk.factor < 2.5, "factor \(shrunk.factor)")
        #expect(shrunk.maps.width == Int((Double(image.width) * 0.5).rounded()))
    }
}
