import NucleiTensor
import Testing

@Suite struct BFloat16Tests {
    @Test func roundingToNearestEven() {
        #expect(ComputePrecision.roundedToBFloat16(1) == 1)
        // 1 + 2^-8 lies halfway between bfloat16 neighbours 1 and 1 + 2^-7: ties go to the even one (1).
        #expect(ComputePrecision.roundedToBFloat16(1 + 0x1p-8) == 1)
        // 1 + 3 * 2^-8 lies halfway between 1 + 2^-7 and 1 + 2^-6: the even one is 1 + 2^-6.
        #expect(ComputePrecision.roundedToBFloat16(1 + 3 * 0x1p-8) == 1 + 0x1p-6)
        #expect(ComputePrecision.roundedToBFloat16(1 + 0x1p-9) == 1)
        #expect(ComputePrecision.roundedToBFloat16(-2.5) == -2.5)
        #expect(ComputePrecision.roundedToBFloat16(.infinity) == .infinity)
    }

    /// oneDNN's bfloat16 passes equal the reference's definition (inputs rounded to bfloat16,
    /// float32 products and sums) up to summation order.
    @Test(.enabled(if: OneDNNKernels.supportsBFloat16), arguments: 0..<12)
    func oneDNNMatchesTheReferenceDefinition(seed: Int) {
        var generator = SeededGenerator(seed: UInt64(seed) + 100)
        let channels = 1 + generator.nextInt(below: 24), filters = 1 + generator.nextInt(below: 24)
        let size = 2 + generator.nextInt(below: 8), batch = 1 + generator.nextInt(below: 3)
        let input = Tensor.randomUniform([batch, size, size, channels], low: -2, high: 2, generator: &generator)
        let weights = Tensor.randomUniform([3, 3, filters, channels], low: -1, high: 1, generator: &generator)
        let fast = input.transposedConvolved(weights: weights, bias: nil, precision: .bfloat16, kernels: Kernels.oneDNN)
        let reference = input.transposedConvolved(weights: weights, bias: nil, precision: .bfloat16, kernels: Kernels.reference)
        let exact = input.transposedConvolved(weights: weights, bias: nil, precision: .float32, kernels: Kernels.reference)
        let scale = exact.scalars.map(abs).max() ?? 1
        #expect(fast.maxAbsoluteDifference(reference) <= 1e-4 * max(1, scale))
        // And bfloat16 stays within its 8-bit mantissa of the float32 result.
        #expect(fast.maxAbsoluteDifference(exact) <= 2e-2 * max(1, scale))
        let convolutionWeights = Tensor.randomUniform([3, 3, channels, filters], low: -1, high: 1, generator: &generator)
        let convolved = input.convolved(weights: convolutionWeights, bias: nil, stride: 1, padding: (1, 1, 1, 1),
                                        precision: .bfloat16, kernels: Kernels.oneDNN)
        let convolvedReference = input.convolved(weights: convolutionWeights, bias: nil, stride: 1, padding: (1, 1, 1, 1),
                                                 precision: .bfloat16, kernels: Kernels.reference)
        #expect(convolved.maxAbsoluteDifference(convolvedReference) <= 1e-4 * max(1, convolvedReference.scalars.map(abs).max() ?? 1))
    }

    /// The bfloat16 backward passes of the transposed convolution equal the definition (inputs
    /// rounded to bfloat16, float32 arithmetic) up to summation order.
    @Test(.enabled(if: OneDNNKernels.supportsBFloat16), arguments: 0..<8)
    func backwardPassesMatchTheReferenceDefinition(seed: Int) {
        var generator = SeededGenerator(seed: UInt64(seed) + 200)
        let channels = 1 + generator.nextInt(below: 20), filters = 1 + generator.nextInt(below: 20)
        let size = 2 + generator.nextInt(below: 7), batch = 1 + generator.nextInt(below: 3)
        let input = Tensor.randomUniform([batch, size, size, channels], low: -2, high: 2, generator: &generator)
        let weights = Tensor.randomUniform([3, 3, filters, channels], low: -1, high: 1, generator: &generator)
        let outputGradient = Tensor.randomUniform([batch, 2 * size, 2 * size, filters], low: -1, high: 1, generator: &generator)
        let geometry = ConvolutionGeometry.transposed(input: input.shape, weights: weights.shape, stride: 2)
        func passes(_ kernels: any ComputeKernels) -> (Tensor, Tensor, Tensor) {
            var inputGradient = Tensor(shape: input.shape), weightsGradient = Tensor(shape: weights.shape), biasGradient = Tensor(shape: [filters])
            outputGradient.withUnsafeBufferPointer { dy in
                weights.withUnsafeBufferPointer { w in
                    input.withUnsafeBufferPointer { x in
                        inputGradient.withUnsafeMutableBufferPointer { dx in
                            kernels.transposedConvolutionBackwardData(geometry, outputGradient: dy.baseAddress!, weights: w.baseAddress!,
                                                                      precision: .bfloat16, inputGradient: dx.baseAddress!)
                        }
                        weightsGradient.withUnsafeMutableBufferPointer { dw in
                            biasGradient.withUnsafeMutableBufferPointer { db in
                                kernels.transposedConvolutionBackwardWeights(geometry, input: x.baseAddress!, outputGradient: dy.baseAddress!,
                                                                             precision: .bfloat16, weightsGradient: dw.baseAddress!,
                                                                             biasGradient: db.baseAddress!)
                            }
                        }
                    }
                }
            }
            return (inputGradient, weightsGradient, biasGradient)
        }
        let fast = passes(Kernels.oneDNN), reference = passes(Kernels.reference)
        for (name, a, b) in [("input", fast.0, reference.0), ("weights", fast.1, reference.1), ("bias", fast.2, reference.2)] {
            #expect(a.maxAbsoluteDifference(b) <= 1e-4 * max(1, b.scalars.map(abs).max() ?? 1), "\(name) gradient")
        }
    }
}
