import NucleiSeg
import Testing

@Suite struct InferenceUNetTests {
    /// A model with non-trivial BatchNorm statistics everywhere, as after training.
    func perturbedModel() throws -> UNet {
        let model = UNet(seed: 11)
        try PretrainedBackbone.load(into: model.encoder)
        var generator = SeededGenerator(seed: 12)
        for block in [model.decoder] {
            for (key, variable) in block.namedVariables() where key.contains(".bn.") {
                let noise = Tensor.randomUniform(variable.shape, low: 0.5, high: 1.5, generator: &generator)
                variable.value = key.hasSuffix("moving_mean") || key.hasSuffix("beta") ? noise - Tensor(shape: variable.shape, repeating: 1) : noise
            }
        }
        return model
    }

    /// Folding BatchNorm into the convolutions and fusing the activations changes nothing but rounding.
    @Test(arguments: [(1, 64), (2, 96)])
    func foldedModelEqualsTheLayerByLayerModel(batch: Int, size: Int) throws {
        let model = try perturbedModel()
        var generator = SeededGenerator(seed: 13)
        let input = Tensor.randomUniform([batch, size, size, 3], low: -1, high: 1, generator: &generator)
        model.setMode(training: false)
        let expected = model(Variable(input)).value
        let folded = InferenceUNet(model)(input)
        let scale = expected.scalars.map(abs).max()!
        #expect(folded.maxAbsoluteDifference(expected) <= 1e-4 * max(1, scale), "max difference \(folded.maxAbsoluteDifference(expected)), scale \(scale)")
        // bfloat16 decoder arithmetic: close to float32 (8-bit mantissa, float32 accumulation).
        let reduced = InferenceUNet(model, precision: .bfloat16)(input)
        #expect(reduced.maxAbsoluteDifference(expected) <= 3e-2 * max(1, scale), "bfloat16 difference \(reduced.maxAbsoluteDifference(expected))")
        let skips = InferenceEncoder(model.encoder)(input)
        for (skip, reference) in zip(skips, model.encoder(Variable(input))) {
            #expect(skip.maxAbsoluteDifference(reference.value) <= 1e-4 * max(1, reference.value.scalars.map(abs).max()!))
        }
    }
}
