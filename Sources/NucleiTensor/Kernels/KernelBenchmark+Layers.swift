extension KernelBenchmark {
    /// A layer of the reference model whose kernels are benchmarked.
    struct Layer {
        enum Operation {
            /// `geometry` is the convolution the transposed convolution inverts.
            case transposedConvolution(ConvolutionGeometry, bias: Bool)
            case convolution(ConvolutionGeometry)
            /// Training-mode batch norm over NHWC rows.
            case batchNorm(rows: Int, channels: Int)
        }

        var name: String
        var shape: String
        var operation: Operation

        var passes: [Pass] {
            if case .batchNorm = operation { return [.forward, .backward] }
            return [.forward, .backwardData, .backwardWeights]
        }

        /// Convolutions: 2 per multiply-add (each pass does the same multiply-adds). Batch norm,
        /// nominally: 5 per element forward (sum, square, subtract, scale, shift) and 8 backward.
        func flops(_ pass: Pass) -> Double {
            switch operation {
            case let .transposedConvolution(geometry, _), let .convolution(geometry): geometry.flops
            case let .batchNorm(rows, channels): (pass == .forward ? 5 : 8) * Double(rows * channels)
            }
        }

        /// Allocates this layer's buffers (filled with a fixed pattern) once and hands `body` a
        /// function that runs one pass on them, so that timings exclude allocation.
        func withPasses(_ kernels: any ComputeKernels, _ body: (_ runPass: (Pass) -> Void) -> Void) {
            switch operation {
            case let .convolution(geometry):
                withConvolutionPasses(geometry, kernels, body)
            case let .transposedConvolution(geometry, bias):
                withTransposedConvolutionPasses(geometry, bias: bias, kernels, body)
            case let .batchNorm(rows, channels):
                withBatchNormPasses(rows: rows, channels: channels, kernels, body)
            }
        }
    }

    /// The model's real layer shapes at 128x128 input (see DESIGN.md): the five decoder
    /// transposed convolutions (Keras stride 2, kernel 3, 'same'), two depthwise and two 1x1
    /// encoder convolutions, the first convolution, and a decoder batch norm.
    static func layers(batch: Int) -> [Layer] {
        func transposed(_ height: Int, _ channels: Int, to filters: Int, bias: Bool = false) -> Layer {
            // The inverted convolution maps the 2x output (filters channels) back to the input.
            let geometry = ConvolutionGeometry(
                batch: batch, inputHeight: 2 * height, inputWidth: 2 * height, inputChannels: filters,
                outputChannels: channels, kernelHeight: 3, kernelWidth: 3, strideHeight: 2, strideWidth: 2,
                padTop: 0, padBottom: 1, padLeft: 0, padRight: 1)
            return Layer(
                name: "transposed conv",
                shape: "\(height)x\(height)x\(channels) -> \(2 * height)x\(2 * height)x\(filters), 3x3 s2",
                operation: .transposedConvolution(geometry, bias: bias))
        }
        func convolution(
            _ name: String, _ height: Int, _ channels: Int, to outputChannels: Int, kernel: Int, stride: Int,
            pads: (Int, Int), depthwise: Bool
        ) -> Layer {
            let geometry = ConvolutionGeometry(
                batch: batch, inputHeight: height, inputWidth: height, inputChannels: channels,
                outputChannels: outputChannels, kernelHeight: kernel, kernelWidth: kernel, strideHeight: stride,
                strideWidth: stride, padTop: pads.0, padBottom: pads.1, padLeft: pads.0, padRight: pads.1,
                groups: depthwise ? channels : 1)
            let output = "\(geometry.outputHeight)x\(geometry.outputWidth)x\(outputChannels)"
            return Layer(
                name: name, shape: "\(height)x\(height)x\(channels) -> \(output), \(kernel)x\(kernel) s\(stride)",
                operation: .convolution(geometry))
        }
        return [
            transposed(4, 320, to: 512),
            transposed(8, 1088, to: 256),
            transposed(16, 448, to: 128),
            transposed(32, 272, to: 64),
            transposed(64, 160, to: 2, bias: true),
            convolution("depthwise conv", 32, 144, to: 144, kernel: 3, stride: 1, pads: (1, 1), depthwise: true),
            convolution("depthwise conv", 64, 96, to: 96, kernel: 3, stride: 2, pads: (0, 1), depthwise: true),
            convolution("1x1 conv", 32, 144, to: 24, kernel: 1, stride: 1, pads: (0, 0), depthwise: false),
            convolution("1x1 conv", 16, 64, to: 384, kernel: 1, stride: 1, pads: (0, 0), depthwise: false),
            convolution("first conv", 128, 3, to: 32, kernel: 3, stride: 2, pads: (0, 1), depthwise: false),
            Layer(
                name: "batch norm", shape: "16x16x256, training",
                operation: .batchNorm(rows: batch * 16 * 16, channels: 256)),
        ]
    }
}

/// A fixed, denormal-free pattern in [-0.06, 0.06].
private func pattern(_ count: Int) -> [Float] {
    (0..<count).map { Float($0 % 13) * 0.01 - 0.06 }
}

private func withConvolutionPasses(
    _ geometry: ConvolutionGeometry, _ kernels: any ComputeKernels, _ body: ((KernelBenchmark.Pass) -> Void) -> Void
) {
    var input = pattern(geometry.inputCount), weights = pattern(geometry.weightCount)
    var output = pattern(geometry.outputCount)
    input.withUnsafeMutableBufferPointer { input in
        weights.withUnsafeMutableBufferPointer { weights in
            output.withUnsafeMutableBufferPointer { output in
                body { pass in
                    switch pass {
                    case .forward:
                        kernels.convolutionForward(
                            geometry, input: input.baseAddress!, weights: weights.baseAddress!, bias: nil,
                            output: output.baseAddress!)
                    case .backwardData:
                        kernels.convolutionBackwardData(
                            geometry, outputGradient: output.baseAddress!, weights: weights.baseAddress!,
                            inputGradient: input.baseAddress!)
                    case .backwardWeights, .backward:
                        kernels.convolutionBackwardWeights(
                            geometry, input: input.baseAddress!, outputGradient: output.baseAddress!,
                            weightsGradient: weights.baseAddress!, biasGradient: nil)
                    }
                }
            }
        }
    }
}

private func withTransposedConvolutionPasses(
    _ geometry: ConvolutionGeometry, bias withBias: Bool, _ kernels: any ComputeKernels,
    _ body: ((KernelBenchmark.Pass) -> Void) -> Void
) {
    // Transposed input: shaped like the geometry's output; transposed output: like its input.
    var small = pattern(geometry.outputCount), weights = pattern(geometry.weightCount)
    var large = pattern(geometry.inputCount), bias = pattern(geometry.inputChannels)
    small.withUnsafeMutableBufferPointer { small in
        weights.withUnsafeMutableBufferPointer { weights in
            large.withUnsafeMutableBufferPointer { large in
                bias.withUnsafeMutableBufferPointer { bias in
                    let biasPointer = withBias ? bias.baseAddress : nil
                    body { pass in
                        switch pass {
                        case .forward:
                            kernels.transposedConvolutionForward(
                                geometry, input: small.baseAddress!, weights: weights.baseAddress!,
                                bias: biasPointer.map { UnsafePointer($0) }, output: large.baseAddress!)
                        case .backwardData:
                            kernels.transposedConvolutionBackwardData(
                                geometry, outputGradient: large.baseAddress!, weights: weights.baseAddress!,
                                inputGradient: small.baseAddress!)
                        case .backwardWeights, .backward:
                            kernels.transposedConvolutionBackwardWeights(
                                geometry, input: small.baseAddress!, outputGradient: large.baseAddress!,
                                weightsGradient: weights.baseAddress!, biasGradient: biasPointer)
                        }
                    }
                }
            }
        }
    }
}

private func withBatchNormPasses(
    rows: Int, channels: Int, _ kernels: any ComputeKernels, _ body: ((KernelBenchmark.Pass) -> Void) -> Void
) {
    // One buffer: input, output, output gradient, input gradient (rows x channels each), then
    // gamma, beta, mean, variance, gamma gradient, beta gradient (channels each).
    let count = rows * channels
    var storage = pattern(4 * count) + [Float](repeating: 0.5, count: 6 * channels)
    storage.withUnsafeMutableBufferPointer { storage in
        let base = storage.baseAddress!
        let (input, output, outputGradient, inputGradient) = (base, base + count, base + 2 * count, base + 3 * count)
        let vectors = base + 4 * count
        let (gamma, beta, mean, variance) = (vectors, vectors + channels, vectors + 2 * channels, vectors + 3 * channels)
        let (gammaGradient, betaGradient) = (vectors + 4 * channels, vectors + 5 * channels)
        body { pass in
            if pass == .forward {
                kernels.batchNormForwardTraining(
                    rows: rows, channels: channels, input: input, gamma: gamma, beta: beta, epsilon: 1e-3,
                    output: output, mean: mean, variance: variance)
            } else {
                kernels.batchNormBackward(
                    rows: rows, channels: channels, input: input, outputGradient: outputGradient, gamma: gamma,
                    mean: mean, variance: variance, epsilon: 1e-3, inputGradient: inputGradient,
                    gammaGradient: gammaGradient, betaGradient: betaGradient)
            }
        }
    }
}
