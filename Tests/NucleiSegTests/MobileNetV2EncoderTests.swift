import Foundation
import NucleiSeg
import Testing

@Suite struct MobileNetV2EncoderTests {
    /// The encoder with the ImageNet weights reproduces the five skips computed by an independent
    /// float64 implementation (shared/weights/golden) within 1e-4.
    @Test func reproducesGoldenSkips() throws {
        let golden = try SafeTensorsFile(contentsOf: TestResources.golden)
        let model = UNet()
        try PretrainedBackbone.load(into: model.encoder)
        model.setMode(training: false)
        let skips = model.encoder(Variable(golden.tensors["input"]!))
        for (name, skip) in zip(MobileNetV2Encoder.skipNames, skips) {
            let expected = try #require(golden.tensors[name])
            #expect(skip.shape == expected.shape)
            let error = skip.value.maxAbsoluteDifference(expected)
            print("golden \(name): max abs error \(error)")
            #expect(error <= 1e-4, "\(name): max abs error \(error)")
        }
    }

    @Test func backboneCoversEveryEncoderTensor() throws {
        let file = try SafeTensorsFile(contentsOf: try #require(PretrainedBackbone.url))
        let model = UNet()
        #expect(file.tensors.count == model.encoder.namedVariables().count)
        #expect(file.tensors.values.reduce(0) { $0 + $1.count } == 1_841_984)
    }

    @Test func oddInputSizesPadLikeKeras() {
        // Keras correct_pad: odd sizes pad 1 on both sides, so 96 -> 48 -> 24 -> 12 -> 6 -> 3.
        let model = UNet()
        let skips = model.encoder(Variable(Tensor(shape: [1, 96, 96, 3])))
        #expect(skips.map(\.shape) == [[1, 48, 48, 96], [1, 24, 24, 144], [1, 12, 12, 192], [1, 6, 6, 576], [1, 3, 3, 320]])
        #expect(model(Variable(Tensor(shape: [1, 96, 96, 3]))).shape == [1, 96, 96, 2])
    }
}
