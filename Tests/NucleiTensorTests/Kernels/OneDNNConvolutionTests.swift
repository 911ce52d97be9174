import NucleiTensor
import Testing

/// oneDNN convolution and transposed convolution against the reference on random problems.
/// Tolerance 1e-4 * (1 + |reference|): the reference sums in Double, oneDNN in Float in another
/// order; sums of at most 9 * 20 * 9 products of values in [-1, 1) differ by ~1e-6 relative.
@Suite("oneDNN convolution equals the reference")
struct OneDNNConvolutionTests {
    static let tolerance: Float = 1e-4
    static let problems = (0..<240).map { RandomConvolution(seed: UInt64($0)) }

    @Test(arguments: problems)
    func convolution(_ problem: RandomConvolution) {
        let geometry = problem.geometry
        var generator = SeededGenerator(seed: 1000 + problem.seed)
        let input = generator.floats(geometry.inputCount)
        let weights = generator.floats(geometry.weightCount)
        let bias = problem.withBias ? generator.floats(geometry.outputChannels) : nil
        let outputGradient = generator.floats(geometry.outputCount)
        let reference = Kernels.reference, fast = Kernels.oneDNN

        expectClose(
            convolutionForward(fast, geometry, input: input, weights: weights, bias: bias),
            convolutionForward(reference, geometry, input: input, weights: weights, bias: bias),
            tolerance: Self.tolerance, "forward")
        expectClose(
            convolutionBackwardData(fast, geometry, outputGradient: outputGradient, weights: weights),
            convolutionBackwardData(reference, geometry, outputGradient: outputGradient, weights: weights),
            tolerance: Self.tolerance, "backward data")
        let fastGradients = convolutionBackwardWeights(
            fast, geometry, input: input, outputGradient: outputGradient, withBias: problem.withBias)
        let referenceGradients = convolutionBackwardWeights(
            reference, geometry, input: input, outputGradient: outputGradient, withBias: problem.withBias)
        expectClose(fastGradients.weights, referenceGradients.weights, tolerance: Self.tolerance, "weights gradient")
        expectClose(fastGradients.bias ?? [], referenceGradients.bias ?? [], tolerance: Self.tolerance, "bias gradient")
    }

    @Test(arguments: problems)
    func transposedConvolution(_ problem: RandomConvolution) {
        let geometry = problem.geometry
        var generator = SeededGenerator(seed: 2000 + problem.seed)
        // The transposed input is shaped like the geometry's output, its output like the input.
        let input = generator.floats(geometry.outputCount)
        let weights = generator.floats(geometry.weightCount)
        let bias = problem.withBias ? generator.floats(geometry.inputChannels) : nil
        let outputGradient = generator.floats(geometry.inputCount)
        let reference = Kernels.reference, fast = Kernels.oneDNN

        expectClose(
            transposedConvolutionForward(fast, geometry, input: input, weights: weights, bias: bias),
            transposedConvolutionForward(reference, geometry, input: input, weights: weights, bias: bias),
            tolerance: Self.tolerance, "forward")
        expectClose(
            transposedConvolutionBackwardData(fast, geometry, outputGradient: outputGradient, weights: weights),
            transposedConvolutionBackwardData(reference, geometry, outputGradient: outputGradient, weights: weights),
            tolerance: Self.tolerance, "backward data")
        let fastGradients = transposedConvolutionBackwardWeights(
            fast, geometry, input: input, outputGradient: outputGradient, withBias: problem.withBias)
        let referenceGradients = transposedConvolutionBackwardWeights(
            reference, geometry, input: input, outputGradient: outputGradient, withBias: problem.withBias)
        expectClose(fastGradients.weights, referenceGradients.weights, tolerance: Self.tolerance, "weights gradient")
        expectClose(fastGradients.bias ?? [], referenceGradients.bias ?? [], tolerance: Self.tolerance, "bias gradient")
    }
}
