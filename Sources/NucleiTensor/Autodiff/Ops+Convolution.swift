/// Convolution ops on NHWC variables. The arithmetic is in `Kernels.current`.
extension Variable {
    /// 2-D convolution. `input` NHWC `[N, H, W, C]`, `weights` Keras `[kh, kw, C/groups, filters]`,
    /// `bias` `[filters]`. Padding is explicit per side (see `ConvolutionGeometry`).
    public static func convolution(
        _ input: Variable, weights: Variable, bias: Variable? = nil,
        stride: Int = 1, padding: (top: Int, bottom: Int, left: Int, right: Int) = (0, 0, 0, 0), groups: Int = 1,
        kernels: any ComputeKernels = Kernels.current
    ) -> Variable {
        precondition(input.shape.count == 4 && weights.shape.count == 4,
                     "convolution expects NHWC input and 4-D weights, got \(input.shape) and \(weights.shape)")
        precondition(weights.shape[2] * groups == input.shape[3],
                     "weights \(weights.shape) with \(groups) groups do not fit input channels \(input.shape[3])")
        let geometry = ConvolutionGeometry(
            batch: input.shape[0], inputHeight: input.shape[1], inputWidth: input.shape[2],
            inputChannels: input.shape[3], outputChannels: weights.shape[3],
            kernelHeight: weights.shape[0], kernelWidth: weights.shape[1], strideHeight: stride, strideWidth: stride,
            padTop: padding.top, padBottom: padding.bottom, padLeft: padding.left, padRight: padding.right, groups: groups)
        if let bias { precondition(bias.shape == [geometry.outputChannels], "bias \(bias.shape) for \(geometry)") }
        let inputValue = input.value
        let weightsValue = weights.value
        let output = Tensor(shape: [geometry.batch, geometry.outputHeight, geometry.outputWidth, geometry.outputChannels]) { out in
            inputValue.withUnsafeBufferPointer { x in
                weightsValue.withUnsafeBufferPointer { w in
                    withOptionalPointer(bias?.value) { b in
                        kernels.convolutionForward(geometry, input: x.baseAddress!, weights: w.baseAddress!, bias: b, output: out.baseAddress!)
                    }
                }
            }
        }
        let parents = [input, weights] + (bias.map { [$0] } ?? [])
        return record(output, parents: parents) { outputGradient in
            outputGradient.withUnsafeBufferPointer { dy in
                if input.requiresGradient {
                    let dx = Tensor(shape: inputValue.shape) { dx in
                        weightsValue.withUnsafeBufferPointer { w in
                            kernels.convolutionBackwardData(geometry, outputGradient: dy.baseAddress!, weights: w.baseAddress!, inputGradient: dx.baseAddress!)
                        }
                    }
                    input.accumulateGradient(dx)
                }
                if weights.requiresGradient || (bias?.requiresGradient ?? false) {
                    var biasGradient = bias.map { Tensor(shape: $0.shape) }
                    let dw = Tensor(shape: weightsValue.shape) { dw in
                        inputValue.withUnsafeBufferPointer { x in
                            withOptionalMutablePointer(&biasGradient) { db in
                                kernels.convolutionBackwardWeights(geometry, input: x.baseAddress!, outputGradient: dy.baseAddress!, weightsGradient: dw.baseAddress!, biasGradient: db)
                            }
                        }
                    }
                    if weights.requiresGradient { weights.accumulateGradient(dw) }
                    if let bias, bias.requiresGradient, let biasGradient { bias.accumulateGradient(biasGradient) }
                }
            }
        }
    }

    /// Keras `Conv2DTranspose` with padding 'same': `input` `[N, H, W, C]`, `weights`
    /// `[kh, kw, filters, C]`, output `[N, H*stride, W*stride, filters]`.
    ///
    /// TensorFlow computes it as the input-gradient of the convolution that maps the output shape
    /// to the input shape with 'same' padding; the same identity is used here, so the padding of
    /// that convolution (the odd pixel after) decides the alignment.
    /// - Parameter precision: `.bfloat16` runs all three passes with bfloat16 inputs and float32
    ///   accumulation (mixed-precision training); gradients stay float32.
    public static func transposedConvolution(
        _ input: Variable, weights: Variable, bias: Variable? = nil, stride: Int = 2, precision: ComputePrecision = .float32,
        kernels: any ComputeKernels = Kernels.current
    ) -> Variable {
        precondition(input.shape.count == 4 && weights.shape.count == 4 && weights.shape[3] == input.shape[3],
                     "transposed convolution of input \(input.shape) with weights \(weights.shape) [kh, kw, filters, inputChannels]")
        let geometry = ConvolutionGeometry.transposed(input: input.shape, weights: weights.shape, stride: stride)
        let outputHeight = geometry.inputHeight, outputWidth = geometry.inputWidth
        precondition(geometry.outputHeight == input.shape[1] && geometry.outputWidth == input.shape[2],
                     "transposed convolution geometry mismatch: \(geometry) for input \(input.shape)")
        if let bias { precondition(bias.shape == [geometry.inputChannels], "bias \(bias.shape) for \(geometry)") }
        let inputValue = input.value
        let weightsValue = weights.value
        let output = Tensor(shape: [geometry.batch, outputHeight, outputWidth, geometry.inputChannels]) { out in
            inputValue.withUnsafeBufferPointer { x in
                weightsValue.withUnsafeBufferPointer { w in
                    withOptionalPointer(bias?.value) { b in
                        if precision == .float32 {
                            kernels.transposedConvolutionForward(geometry, input: x.baseAddress!, weights: w.baseAddress!, bias: b, output: out.baseAddress!)
                        } else {
                            kernels.transposedConvolutionForward(geometry, input: x.baseAddress!, weights: w.baseAddress!, bias: b,
                                                                 activation: .none, precision: precision, output: out.baseAddress!)
                        }
                    }
                }
            }
        }
        let parents = [input, weights] + (bias.map { [$0] } ?? [])
        return record(output, parents: parents) { outputGradient in
            outputGradient.withUnsafeBufferPointer { dy in
                if input.requiresGradient {
                    let dx = Tensor(shape: inputValue.shape) { dx in
                        weightsValue.withUnsafeBufferPointer { w in
                            kernels.transposedConvolutionBackwardData(geometry, outputGradient: dy.baseAddress!, weights: w.baseAddress!,
                                                                      precision: precision, inputGradient: dx.baseAddress!)
                        }
                    }
                    input.accumulateGradient(dx)
                }
                if weights.requiresGradient || (bias?.requiresGradient ?? false) {
                    var biasGradient = bias.map { Tensor(shape: $0.shape) }
                    let dw = Tensor(shape: weightsValue.shape) { dw in
                        inputValue.withUnsafeBufferPointer { x in
                            withOptionalMutablePointer(&biasGradient) { db in
                                kernels.transposedConvolutionBackwardWeights(geometry, input: x.baseAddress!, outputGradient: dy.baseAddress!,
                                                                             precision: precision, weightsGradient: dw.baseAddress!, biasGradient: db)
                            }
                        }
                    }
                    if weights.requiresGradient { weights.accumulateGradient(dw) }
                    if let bias, bias.requiresGradient, let biasGradient { bias.accumulateGradient(biasGradient) }
                }
            }
        }
    }
}

@inline(__always)
func withOptionalPointer<R>(_ tensor: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let tensor else { return body(nil) }
    return tensor.withUnsafeBufferPointer { body($0.baseAddress!) }
}

@inline(__always)
func withOptionalMutablePointer<R>(_ tensor: inout Tensor?, _ body: (UnsafeMutablePointer<Float>?) -> R) -> R {
    guard tensor != nil else { return body(nil) }
    return tensor!.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
}
