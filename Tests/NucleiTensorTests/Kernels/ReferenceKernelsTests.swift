import NucleiTensor
import Testing

/// The reference kernels against numbers computed by hand: the specification's own check.
@Suite("Reference kernels on hand-computed cases")
struct ReferenceKernelsTests {
    // Input 3x3, one channel:  1 2 3 / 4 5 6 / 7 8 9;  kernel 2x2:  1 2 / 3 4.
    static let ramp: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
    static let kernel: [Float] = [1, 2, 3, 4]

    @Test func convolutionValidWithBias() {
        let geometry = ConvolutionGeometry(
            batch: 1, inputHeight: 3, inputWidth: 3, inputChannels: 1, outputChannels: 1, kernelHeight: 2, kernelWidth: 2)
        // 1*1+2*2+4*3+5*4 = 37, 2+6+15+24 = 47, 4+10+21+32 = 67, 5+12+24+36 = 77; plus bias 0.5.
        let output = convolutionForward(Kernels.reference, geometry, input: Self.ramp, weights: Self.kernel, bias: [0.5])
        #expect(output == [37.5, 47.5, 67.5, 77.5])
    }

    @Test func convolutionStridedWithAsymmetricPadding() {
        let geometry = ConvolutionGeometry(
            batch: 1, inputHeight: 3, inputWidth: 3, inputChannels: 1, outputChannels: 1, kernelHeight: 2, kernelWidth: 2,
            strideHeight: 2, strideWidth: 2, padTop: 1, padBottom: 0, padLeft: 1, padRight: 0)
        // Windows start at rows/columns -1 and 1: 1*4 = 4; 2*3+3*4 = 18; 4*2+7*4 = 36; 5+12+24+36 = 77.
        let output = convolutionForward(Kernels.reference, geometry, input: Self.ramp, weights: Self.kernel, bias: nil)
        #expect(output == [4, 18, 36, 77])
    }

    @Test func depthwiseConvolutionKeepsChannelsApart() {
        // 2x2 input, channels interleaved (NHWC): channel 0 = 1 2 3 4, channel 1 = 10 20 30 40.
        // Keras depthwise kernel [2, 2, 1, 2]: channel 0 sums all taps, channel 1 takes the last tap only.
        let geometry = ConvolutionGeometry(
            batch: 1, inputHeight: 2, inputWidth: 2, inputChannels: 2, outputChannels: 2, kernelHeight: 2, kernelWidth: 2,
            groups: 2)
        let output = convolutionForward(
            Kernels.reference, geometry, input: [1, 10, 2, 20, 3, 30, 4, 40], weights: [1, 0, 1, 0, 1, 0, 1, 1], bias: nil)
        #expect(output == [10, 40])
    }

    @Test func transposedConvolutionFollowsKerasSameShapeRule() {
        // Keras Conv2DTranspose(filters 1, kernel 3, strides 2, padding 'same') on a 2x2 input gives 4x4:
        // the convolution it inverts maps 4x4 to 2x2 with pads top 0, bottom 1, left 0, right 1.
        let geometry = ConvolutionGeometry(
            batch: 1, inputHeight: 4, inputWidth: 4, inputChannels: 1, outputChannels: 1, kernelHeight: 3, kernelWidth: 3,
            strideHeight: 2, strideWidth: 2, padTop: 0, padBottom: 1, padLeft: 0, padRight: 1)
        #expect(geometry.outputHeight == 2 && geometry.outputWidth == 2)
        // out[2y + i][2x + j] += in[y][x] * w[i][j] for the kernel 1...9 and input 1 2 / 3 4,
        // dropping row and column 4 (the padding after).
        let output = transposedConvolutionForward(
            Kernels.reference, geometry, input: [1, 2, 3, 4], weights: (1...9).map(Float.init), bias: nil)
        #expect(output == [
            1, 2, 5, 4,
            4, 5, 14, 10,
            10, 14, 36, 24,
            12, 15, 34, 20,
        ])
    }

    @Test func batchNormForwardTraining() {
        // Rows of (channel 0, channel 1): channel 0 = 0 2 0 2 (mean 1, variance 1),
        // channel 1 = 3 3 5 5 (mean 4, variance 1). Epsilon 3 makes the deviation exactly 2,
        // so the normalised values are +-0.5; gamma 2 and 4, beta 1 and -1.
        let result = NucleiTensorTests.batchNormForwardTraining(
            Kernels.reference, rows: 4, channels: 2, input: [0, 3, 2, 3, 0, 5, 2, 5], gamma: [2, 4], beta: [1, -1],
            epsilon: 3)
        #expect(result.mean == [1, 4])
        #expect(result.variance == [1, 1])
        #expect(result.output == [0, -3, 2, -3, 0, 1, 2, 1])
    }

    @Test func currentKernelsAreOneDNNUnlessReferenceIsRequested() {
        let requested = Environment.value("NUCLEISEG_KERNELS")
        if requested == "reference" {
            #expect(Kernels.current is ReferenceKernels)
        } else {
            #expect(Kernels.current is OneDNNKernels)
        }
    }
}
