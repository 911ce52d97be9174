import NucleiTensor

// Array-in, array-out wrappers around the pointer-based kernel seam. Outputs start as NaN so a
// kernel that leaves an element unwritten (they must overwrite) fails every comparison.

func convolutionForward(
    _ kernels: any ComputeKernels, _ geometry: ConvolutionGeometry, input: [Float], weights: [Float], bias: [Float]?
) -> [Float] {
    var output = [Float](repeating: .nan, count: geometry.outputCount)
    input.withUnsafeBufferPointer { input in
        weights.withUnsafeBufferPointer { weights in
            withOptionalPointer(bias) { bias in
                output.withUnsafeMutableBufferPointer { output in
                    kernels.convolutionForward(
                        geometry, input: input.baseAddress!, weights: weights.baseAddress!, bias: bias,
                        output: output.baseAddress!)
                }
            }
        }
    }
    return output
}

func convolutionBackwardData(
    _ kernels: any ComputeKernels, _ geometry: ConvolutionGeometry, outputGradient: [Float], weights: [Float]
) -> [Float] {
    var inputGradient = [Float](repeating: .nan, count: geometry.inputCount)
    outputGradient.withUnsafeBufferPointer { outputGradient in
        weights.withUnsafeBufferPointer { weights in
            inputGradient.withUnsafeMutableBufferPointer { inputGradient in
                kernels.convolutionBackwardData(
                    geometry, outputGradient: outputGradient.baseAddress!, weights: weights.baseAddress!,
                    inputGradient: inputGradient.baseAddress!)
            }
        }
    }
    return inputGradient
}

/// Returns the weights gradient and, when `withBias`, the bias gradient.
func convolutionBackwardWeights(
    _ kernels: any ComputeKernels, _ geometry: ConvolutionGeometry, input: [Float], outputGradient: [Float],
    withBias: Bool
) -> (weights: [Float], bias: [Float]?) {
    var weightsGradient = [Float](repeating: .nan, count: geometry.weightCount)
    var biasGradient: [Float]? = withBias ? [Float](repeating: .nan, count: geometry.outputChannels) : nil
    input.withUnsafeBufferPointer { input in
        outputGradient.withUnsafeBufferPointer { outputGradient in
            weightsGradient.withUnsafeMutableBufferPointer { weightsGradient in
                withOptionalMutablePointer(&biasGradient) { biasGradient in
                    kernels.convolutionBackwardWeights(
                        geometry, input: input.baseAddress!, outputGradient: outputGradient.baseAddress!,
                        weightsGradient: weightsGradient.baseAddress!, biasGradient: biasGradient)
                }
            }
        }
    }
    return (weightsGradient, biasGradient)
}

/// Transposed forward: `input` is shaped like the geometry's output, the result like its input.
func transposedConvolutionForward(
    _ kernels: any ComputeKernels, _ geometry: ConvolutionGeometry, input: [Float], weights: [Float], bias: [Float]?
) -> [Float] {
    var output = [Float](repeating: .nan, count: geometry.inputCount)
    input.withUnsafeBufferPointer { input in
        weights.withUnsafeBufferPointer { weights in
            withOptionalPointer(bias) { bias in
                output.withUnsafeMutableBufferPointer { output in
                    kernels.transposedConvolutionForward(
                        geometry, input: input.baseAddress!, weights: weights.baseAddress!, bias: bias,
                        output: output.baseAddress!)
                }
            }
        }
    }
    return output
}

func transposedConvolutionBackwardData(
    _ kernels: any ComputeKernels, _ geometry: ConvolutionGeometry, outputGradient: [Float], weights: [Float]
) -> [Float] {
    var inputGradient = [Float](repeating: .nan, count: geometry.outputCount)
    outputGradient.withUnsafeBufferPointer { outputGradient in
        weights.withUnsafeBufferPointer { weights in
            inputGradient.withUnsafeMutableBufferPointer { inputGradient in
                kernels.transposedConvolutionBackwardData(
                    geometry, outputGradient: outputGradient.baseAddress!, weights: weights.baseAddress!,
                    inputGradient: inputGradient.baseAddress!)
            }
        }
    }
    return inputGradient
}

func transposedConvolutionBackwardWeights(
    _ kernels: any ComputeKernels, _ geometry: ConvolutionGeometry, input: [Float], outputGradient: [Float],
    withBias: Bool
) -> (weights: [Float], bias: [Float]?) {
    var weightsGradient = [Float](repeating: .nan, count: geometry.weightCount)
    var biasGradient: [Float]? = withBias ? [Float](repeating: .nan, count: geometry.inputChannels) : nil
    input.withUnsafeBufferPointer { input in
        outputGradient.withUnsafeBufferPointer { outputGradient in
            weightsGradient.withUnsafeMutableBufferPointer { weightsGradient in
                withOptionalMutablePointer(&biasGradient) { biasGradient in
                    kernels.transposedConvolutionBackwardWeights(
                        geometry, input: input.baseAddress!, outputGradient: outputGradient.baseAddress!,
                        weightsGradient: weightsGradient.baseAddress!, biasGradient: biasGradient)
                }
            }
        }
    }
    return (weightsGradient, biasGradient)
}

struct BatchNormTrainingResult {
    var output: [Float]
    var mean: [Float]
    var variance: [Float]
}

func batchNormForwardTraining(
    _ kernels: any ComputeKernels, rows: Int, channels: Int, input: [Float], gamma: [Float], beta: [Float],
    epsilon: Float
) -> BatchNormTrainingResult {
    var result = BatchNormTrainingResult(
        output: [Float](repeating: .nan, count: rows * channels), mean: [Float](repeating: .nan, count: channels),
        variance: [Float](repeating: .nan, count: channels))
    input.withUnsafeBufferPointer { input in
        gamma.withUnsafeBufferPointer { gamma in
            beta.withUnsafeBufferPointer { beta in
                result.output.withUnsafeMutableBufferPointer { output in
                    result.mean.withUnsafeMutableBufferPointer { mean in
                        result.variance.withUnsafeMutableBufferPointer { variance in
                            kernels.batchNormForwardTraining(
                                rows: rows, channels: channels, input: input.baseAddress!, gamma: gamma.baseAddress!,
                                beta: beta.baseAddress!, epsilon: epsilon, output: output.baseAddress!,
                                mean: mean.baseAddress!, variance: variance.baseAddress!)
                        }
                    }
                }
            }
        }
    }
    return result
}

func batchNormForwardInference(
    _ kernels: any ComputeKernels, rows: Int, channels: Int, input: [Float], gamma: [Float], beta: [Float],
    mean: [Float], variance: [Float], epsilon: Float
) -> [Float] {
    var output = [Float](repeating: .nan, count: rows * channels)
    input.withUnsafeBufferPointer { input in
        gamma.withUnsafeBufferPointer { gamma in
            beta.withUnsafeBufferPointer { beta in
                mean.withUnsafeBufferPointer { mean in
                    variance.withUnsafeBufferPointer { variance in
                        output.withUnsafeMutableBufferPointer { output in
                            kernels.batchNormForwardInference(
                                rows: rows, channels: channels, input: input.baseAddress!, gamma: gamma.baseAddress!,
                                beta: beta.baseAddress!, mean: mean.baseAddress!, variance: variance.baseAddress!,
                                epsilon: epsilon, output: output.baseAddress!)
                        }
                    }
                }
            }
        }
    }
    return output
}

struct BatchNormGradients {
    var input: [Float]
    var gamma: [Float]
    var beta: [Float]
}

func batchNormBackward(
    _ kernels: any ComputeKernels, rows: Int, channels: Int, input: [Float], outputGradient: [Float],
    gamma: [Float], mean: [Float], variance: [Float], epsilon: Float
) -> BatchNormGradients {
    var gradients = BatchNormGradients(
        input: [Float](repeating: .nan, count: rows * channels), gamma: [Float](repeating: .nan, count: channels),
        beta: [Float](repeating: .nan, count: channels))
    input.withUnsafeBufferPointer { input in
        outputGradient.withUnsafeBufferPointer { outputGradient in
            gamma.withUnsafeBufferPointer { gamma in
                mean.withUnsafeBufferPointer { mean in
                    variance.withUnsafeBufferPointer { variance in
                        gradients.input.withUnsafeMutableBufferPointer { inputGradient in
                            gradients.gamma.withUnsafeMutableBufferPointer { gammaGradient in
                                gradients.beta.withUnsafeMutableBufferPointer { betaGradient in
                                    kernels.batchNormBackward(
                                        rows: rows, channels: channels, input: input.baseAddress!,
                                        outputGradient: outputGradient.baseAddress!, gamma: gamma.baseAddress!,
                                        mean: mean.baseAddress!, variance: variance.baseAddress!, epsilon: epsilon,
                                        inputGradient: inputGradient.baseAddress!,
                                        gammaGradient: gammaGradient.baseAddress!, betaGradient: betaGradient.baseAddress!)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    return gradients
}

private func withOptionalPointer<Result>(
    _ array: [Float]?, _ body: (UnsafePointer<Float>?) -> Result
) -> Result {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress!) }
}

private func withOptionalMutablePointer<Result>(
    _ array: inout [Float]?, _ body: (UnsafeMutablePointer<Float>?) -> Result
) -> Result {
    guard array != nil else { return body(nil) }
    return array!.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
}
