import NucleiTensor
import Testing

/// The transposed forward pass to at most 4 channels (one GEMM and a scatter in `dnnl_kernels.c`)
/// against the reference at the U-Net output layer's depth (160 -> 2 channels, 3x3, stride 2,
/// Keras 'same'), with bias and each fused activation; the random problems of
/// `OneDNNConvolutionTests` cover it on small shapes with every padding and stride.
@Suite struct FewChannelTransposedConvolutionTests {
    @Test(arguments: [(FusedActivation.none, 2), (.relu, 1), (.relu6, 4), (.none, 3)])
    func outputLayerEqualsTheReference(activation: FusedActivation, channels: Int) {
        let geometry = ConvolutionGeometry(
            batch: 2, inputHeight: 16, inputWidth: 12, inputChannels: channels, outputChannels: 160,
            kernelHeight: 3, kernelWidth: 3, strideHeight: 2, strideWidth: 2,
            padTop: 0, padBottom: 1, padLeft: 0, padRight: 1)
        var generator = SeededGenerator(seed: 77 + UInt64(channels))
        // Scaled so that the relu6 clip is reached: sums of about 4 * 160 products.
        let input = generator.floats(geometry.outputCount).map { $0 * 0.5 }
        let weights = generator.floats(geometry.weightCount).map { $0 * 0.5 }
        let bias = generator.floats(channels)
        func run(_ kernels: any ComputeKernels) -> [Float] {
            var output = [Float](repeating: .nan, count: geometry.inputCount)
            input.withUnsafeBufferPointer { x in
                weights.withUnsafeBufferPointer { w in
                    bias.withUnsafeBufferPointer { b in
                        output.withUnsafeMutableBufferPointer { y in
                            kernels.transposedConvolutionForward(
                                geometry, input: x.baseAddress!, weights: w.baseAddress!, bias: b.baseAddress!,
                                activation: activation, precision: .float32, output: y.baseAddress!)
                        }
                    }
                }
            }
            return output
        }
        let fast = run(Kernels.oneDNN), reference = run(Kernels.reference)
        expectClose(fast, reference, tolerance: 1e-4, "\(activation), \(channels) channels")
        if activation == .relu6 { #expect(reference.contains(6) && reference.contains(0), "the test should reach both clips") }
    }
}
